import { expect, test } from "@playwright/test";
import { Person } from "../fixtures/app.ts";

const LETTERS = "A handle may use only letters, digits, '.', '_' and '-'.";

test("On a phone, Alice's Privacy section fits the screen, watchers, rules and all", async ({ browser }) => {
  const alice = await Person.open(browser, "alice");
  const bob = await Person.open(browser, "bob");
  const carol = await Person.open(browser, "carol");
  await alice.page.setViewportSize({ width: 375, height: 740 });
  await alice.signUp();
  await bob.signUp();
  await carol.signUp();
  const bobHandle = bob.handle.toLowerCase();

  // Bob asks to watch (a row with Approve, Deny and Block); Carol fetches (another row).
  await alice.goTo("Privacy");
  await bob.addBuddy(alice.handle);
  await carol.page.request.get(
    `/parties/user/${carol.handle.toLowerCase()}/presence/${alice.handle.toLowerCase()}`,
  );
  await expect(alice.watcher(bob.handle)).toContainText("Waiting for you");
  await expect(alice.watcher(carol.handle)).toContainText("Fetcher");

  // A rule for a person and a group with members (Bob still waits for her).
  const carolHandle = carol.handle.toLowerCase();
  await alice.page.getByLabel("Person's handle").fill(carolHandle);
  await alice.page.getByRole("button", { name: "Add rule" }).click();
  await alice.page.getByLabel("Group name").fill("Family and close friends");
  await alice.page.getByRole("button", { name: "Add group" }).click();
  await alice.page.getByLabel("Members of Family and close friends").fill(carolHandle);
  await alice.page.getByRole("button", { name: "Save rules" }).click();
  await expect(alice.page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  const width = await alice.page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
  for (const control of [
    alice.watcher(bob.handle).getByRole("button", { name: `Approve ${bobHandle}` }),
    alice.watcher(bob.handle).getByRole("button", { name: `Block ${bobHandle}` }),
    alice.watcher(bob.handle).getByRole("button", { name: `Deny ${bobHandle}` }),
    alice.page.getByLabel(`Rule for ${carolHandle}: shows`),
    alice.page.getByLabel("Rule for group Family and close friends: shows"),
    alice.page.getByLabel("While I am signed out"),
  ]) {
    await control.scrollIntoViewIfNeeded();
    await expect(control).toBeInViewport({ ratio: 1 });
  }
  await alice.close();
  await bob.close();
  await carol.close();
});

test("Alice is told in plain words that a handle is not one, and Discard clears the draft", async ({
  browser,
}) => {
  const alice = await Person.signedUp(browser, "alice");
  await alice.goTo("Privacy");
  const rules = alice.page.getByRole("region", { name: "Access rules" });

  await rules.getByLabel("Person's handle").fill("bob smith!");
  await rules.getByRole("button", { name: "Add rule" }).click();
  await expect(rules.getByRole("alert")).toHaveText(LETTERS);
  await expect(rules.getByLabel("Person's handle")).toHaveAttribute("aria-invalid", "true");
  await expect(rules.getByRole("table", { name: "Rules for people" }).getByRole("row")).toHaveCount(1);

  // A group's members box: the mistake is named beside it, and Discard empties it.
  await rules.getByLabel("Group name").fill("work");
  await rules.getByRole("button", { name: "Add group" }).click();
  await rules.getByRole("button", { name: "Save rules" }).click();
  await expect(rules.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  const members = rules.getByLabel("Members of work");
  await members.fill("dave, bob smith!");
  await expect(rules.getByRole("alert")).toHaveText(`“bob smith!”: ${LETTERS}`);
  await expect(rules.getByRole("button", { name: "Save rules" })).toBeDisabled();
  await rules.getByRole("button", { name: "Discard changes" }).click();
  await expect(members).toHaveValue("");
  await expect(rules.getByRole("alert")).toHaveCount(0);

  // The blocklist says the server's reason without the field's name in front.
  const blocklist = alice.page.getByRole("region", { name: "Blocklist" });
  await blocklist.getByLabel("Handle to block").fill("bob smith!");
  await blocklist.getByRole("button", { name: "Block", exact: true }).click();
  await expect(blocklist.getByRole("alert")).toHaveText(LETTERS);
  await alice.close();
});

test("A watcher Alice lets see her only as offline is shown as such in her watcher information", async ({
  browser,
}) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  const bobHandle = bob.handle.toLowerCase();
  await bob.addBuddy(alice.handle);
  await alice.approve(bob.handle);
  await alice.goTo("Privacy");
  await expect(alice.watcher(bob.handle)).toContainText("Sees you");

  await alice.page.getByLabel("Person's handle").fill(bobHandle);
  await alice.page.getByRole("button", { name: "Add rule" }).click();
  await alice.page.getByLabel(`Rule for ${bobHandle}: action`).selectOption("polite-block");
  await alice.page.getByRole("button", { name: "Save rules" }).click();
  await expect(alice.watcher(bob.handle)).toContainText("Sees you as offline");
  await expect(bob.buddy(alice.handle)).toContainText("Offline");
  await alice.close();
  await bob.close();
});
