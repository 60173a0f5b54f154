import { expect, test } from "@playwright/test";
import { Person } from "../fixtures/app.ts";

const LETTERS = "A handle may use only letters, digits, '.', '_' and '-'.";

test("On a phone, Alice's privacy settings fit the screen, watchers, rules and all", async ({ browser }) => {
  const alice = await Person.open(browser, "alice");
  const bob = await Person.open(browser, "bob");
  const carol = await Person.open(browser, "carol");
  await alice.page.setViewportSize({ width: 375, height: 740 });
  await alice.signUp();
  await bob.signUp();
  await carol.signUp();
  const bobHandle = bob.handle.toLowerCase();

  // Bob asks to watch (a row with Approve, Deny and Block); Carol fetches (another row).
  await alice.openSettings("Who watches you");
  await bob.addBuddy(alice.handle);
  await carol.page.request.get(
    `/parties/user/${carol.handle.toLowerCase()}/presence/${alice.handle.toLowerCase()}`,
  );
  await expect(alice.watcher(bob.handle)).toContainText("Waiting for you");
  await expect(alice.watcher(carol.handle)).toContainText("Fetcher");

  const noSideways = async () =>
    expect(await alice.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await noSideways();
  for (const control of [
    alice.watcher(bob.handle).getByRole("button", { name: `Approve ${bobHandle}` }),
    alice.watcher(bob.handle).getByRole("button", { name: `Block ${bobHandle}` }),
    alice.watcher(bob.handle).getByRole("button", { name: `Deny ${bobHandle}` }),
  ]) {
    await control.scrollIntoViewIfNeeded();
    await expect(control).toBeInViewport({ ratio: 1 });
  }

  // A rule for a person and a group with members (Bob still waits for her).
  await alice.openSettings("Who sees your presence");
  const carolHandle = carol.handle.toLowerCase();
  await alice.page.getByLabel("Person's handle").fill(carolHandle);
  await alice.page.getByRole("button", { name: "Add rule" }).click();
  await alice.page.getByLabel("Group name").fill("Family and close friends");
  await alice.page.getByRole("button", { name: "Add group" }).click();
  await alice.page.getByLabel("Members of Family and close friends").fill(carolHandle);
  await alice.page.getByRole("button", { name: "Save rules" }).click();
  await expect(alice.page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  await noSideways();
  for (const control of [
    alice.page.getByLabel(`Rule for ${carolHandle}: shows`),
    alice.page.getByLabel("Rule for group Family and close friends: shows"),
  ]) {
    await control.scrollIntoViewIfNeeded();
    await expect(control).toBeInViewport({ ratio: 1 });
  }
  await alice.openSettings("Who may write to you");
  await noSideways();
  await expect(alice.page.getByLabel("While I am signed out")).toBeInViewport({ ratio: 1 });
  await alice.close();
  await bob.close();
  await carol.close();
});

test("Alice is told in plain words that a handle is not one, and Discard clears the draft", async ({
  browser,
}) => {
  const alice = await Person.signedUp(browser, "alice");
  await alice.openSettings("Who sees your presence");
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

  await alice.openSettings("Blocked people");
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
  await alice.openSettings("Who watches you");
  await expect(alice.watcher(bob.handle)).toContainText("Sees you");

  await alice.openSettings("Who sees your presence");
  await alice.page.getByLabel("Person's handle").fill(bobHandle);
  await alice.page.getByRole("button", { name: "Add rule" }).click();
  await alice.page.getByLabel(`Rule for ${bobHandle}: action`).selectOption("polite-block");
  await alice.page.getByRole("button", { name: "Save rules" }).click();
  await expect(alice.page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await alice.openSettings("Who watches you");
  await expect(alice.watcher(bob.handle)).toContainText("Sees you as offline");
  await expect(bob.buddy(alice.handle)).toContainText("Offline");
  await alice.close();
  await bob.close();
});
