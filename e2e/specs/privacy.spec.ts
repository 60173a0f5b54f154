import { expect, test } from "@playwright/test";
import { Person } from "../fixtures/app.ts";

test("Alice blocks Bob from her watcher information, and Bob sees her offline without a reload", async ({
  browser,
}) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  await bob.addBuddy(alice.handle);
  await alice.approve(bob.handle);
  await expect(bob.buddy(alice.handle)).toContainText("Available");

  await alice.openSettings("Who watches you");
  await expect(alice.watcher(bob.handle)).toContainText("Subscriber");
  await alice
    .watcher(bob.handle)
    .getByRole("button", { name: `Block ${bob.handle.toLowerCase()}` })
    .click();
  await expect(alice.watcher(bob.handle)).toContainText("Blocked");
  await expect(bob.buddy(alice.handle)).toContainText("Offline");
  await expect(bob.buddy(alice.handle)).not.toContainText("Available");

  // Unblocking from the blocklist lets Bob see her again, live.
  await alice.openSettings("Blocked people");
  await expect(alice.page.getByRole("list", { name: "Blocked people" })).toContainText(
    bob.handle.toLowerCase(),
  );
  await alice.page.getByRole("button", { name: `Unblock ${bob.handle.toLowerCase()}` }).click();
  await expect(bob.buddy(alice.handle)).toContainText("Available");
  await alice.close();
  await bob.close();
});

test("Alice hides her note from Carol, and 'see what Carol sees' shows no note", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  const carol = await Person.signedUp(browser, "carol");
  const carolHandle = carol.handle.toLowerCase();
  await alice.setNote("secret surprise party");

  await alice.openSettings("Who sees your presence");
  await alice.page.getByLabel("Person's handle").fill(carolHandle);
  await alice.page.getByRole("button", { name: "Add rule" }).click();
  await alice.page.getByLabel(`Rule for ${carolHandle}: shows`).selectOption("availability");
  await alice.page.getByRole("button", { name: "Save rules" }).click();
  await expect(alice.page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  await alice.openSettings("See what someone sees");
  await alice.page.getByLabel("Whose view").fill(carolHandle);
  await alice.page.getByRole("button", { name: "Show their view" }).click();
  const view = alice.page.getByRole("region", { name: `What ${carolHandle} sees` });
  await expect(view).toContainText("Allow, because of your rule for them.");
  await expect(view).toContainText("Availability");
  await expect(view).not.toContainText("secret surprise party");
  await expect(view).not.toContainText("Note");

  // Carol's own fetch agrees with the preview.
  const fetched = await carol.page.request.get(
    `/parties/user/${carolHandle}/presence/${alice.handle.toLowerCase()}`,
  );
  expect(JSON.stringify(await fetched.json())).not.toContain("secret surprise party");
  await alice.close();
  await carol.close();
});

test("Alice's watcher information lists Carol as a poller after Carol fetches again and again", async ({
  browser,
}) => {
  const alice = await Person.signedUp(browser, "alice");
  const carol = await Person.signedUp(browser, "carol");
  await alice.openSettings("Who watches you");
  await expect(alice.page.getByRole("region", { name: "Watcher information" })).toContainText(
    "No one in the last 30 days.",
  );

  // Carol polls like a script would, with her session.
  const url = `/parties/user/${carol.handle.toLowerCase()}/presence/${alice.handle.toLowerCase()}`;
  for (let i = 0; i < 5; i++) await carol.page.request.get(url);

  // Live, without a reload: the row appears and becomes a poller waiting for Alice's answer.
  await expect(alice.watcher(carol.handle)).toContainText("Poller");
  await expect(alice.watcher(carol.handle)).toContainText("Waiting for you");
  await expect(alice.watcher(carol.handle)).toContainText("5 / 5 / 5");
  await alice.page.getByLabel("Kind of watcher").selectOption("subscriber");
  await expect(alice.watcher(carol.handle)).toHaveCount(0);
  await alice.page.getByLabel("Kind of watcher").selectOption("poller");
  await alice
    .watcher(carol.handle)
    .getByRole("button", { name: `Approve ${carol.handle.toLowerCase()}` })
    .click();
  await expect(alice.watcher(carol.handle)).toContainText("Sees you");
  expect((await carol.page.request.get(url)).status()).toBe(200);
  await alice.close();
  await carol.close();
});
