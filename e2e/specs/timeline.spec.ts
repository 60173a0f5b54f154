import { expect, test } from "@playwright/test";
import { Person } from "../fixtures/app.ts";

test("a long conversation reads as runs by day, marks what is new, stays light, and jumps to the latest", async ({
  browser,
}) => {
  test.setTimeout(180_000); // a hundred messages typed, on two busy cores
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  await bob.messageTo(alice.handle);
  const box = bob.conversation(alice.handle).getByLabel(`Message to ${alice.handle.toLowerCase()}`);
  // Typed into the composer, which keeps the focus after each send, without pauses: the e2e
  // server lifts the socket frame limit (about three frames a message).
  await box.focus();
  const say = async (text: string) => {
    await bob.page.keyboard.insertText(text);
    await bob.page.keyboard.press("Enter");
  };
  const count = 100;
  for (let i = 1; i <= count; i++) await say(`message number ${i}`);
  await expect(bob.message(alice.handle, `message number ${count}`)).toContainText(/Delivered|Read/, {
    timeout: 30_000,
  });

  // Alice opens it: only what is near the screen is in the page, not all the messages.
  await expect(alice.buddy(bob.handle)).toContainText(`${count} unread`);
  await alice.buddy(bob.handle).click();
  const conversation = alice.conversation(bob.handle);
  const items = conversation.getByRole("list", { name: "Messages" }).getByRole("listitem");
  await expect(items.first()).toBeVisible();
  expect(await items.count()).toBeLessThan(60);
  const latest = conversation.getByRole("button", { name: /Jump to latest/ });
  // The timeline opens at the first unread message; "Jump to latest" shows once it has laid out.
  await expect(async () => {
    if (await latest.isVisible()) await latest.click();
    await expect(alice.message(bob.handle, `message number ${count}`)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(alice.buddy(bob.handle)).not.toContainText("unread");

  // Away from it, three more come: opening it again shows them under a "New messages" line,
  // the first of them starting a new run with Bob's name, the others without.
  await alice.page.keyboard.press("Escape");
  await expect(conversation).toHaveCount(0);
  for (const n of [1, 2, 3]) await say(`after the break ${n}`);
  await expect(alice.buddy(bob.handle)).toContainText("3 unread");
  await alice.buddy(bob.handle).click();
  await expect(items.filter({ hasText: "New messages" })).toBeVisible();
  await expect(alice.message(bob.handle, "after the break 1")).toBeVisible();
  await expect(alice.message(bob.handle, "after the break 1").locator(".from")).toHaveCount(1);
  await expect(alice.message(bob.handle, "after the break 2").locator(".from")).toHaveCount(0);

  // Scrolling to the top loads older pages until the beginning, under a day line.
  const history = conversation.getByRole("region", { name: "History" });
  await expect(async () => {
    await history.evaluate((el) => el.scrollTo(0, 0));
    await expect(items.filter({ hasText: "The beginning of your conversation" })).toBeVisible({
      timeout: 1_000,
    });
    // The day line sits under the beginning; a page that lands while scrolling may move it off.
    await expect(items.filter({ hasText: "Today" })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(alice.message(bob.handle, "message number 1").first()).toBeVisible();
  await latest.click();
  await expect(alice.message(bob.handle, "after the break 3")).toBeVisible();
  await expect(latest).toHaveCount(0);

  // A message's actions are behind its own menu, opened by a long press (or right click) too.
  const last = alice.message(bob.handle, "after the break 3");
  await last.getByText("after the break 3").click({ button: "right" });
  await expect(alice.page.getByRole("menuitem", { name: "Copy text" })).toBeFocused();
  await alice.page.keyboard.press("Escape");
  await expect(alice.page.getByRole("menu")).toHaveCount(0);
  await last.hover();
  await last.getByRole("button", { name: /^Actions for/ }).click();
  await alice.page.getByRole("menuitem", { name: "Delete" }).click();
  await expect(last).toHaveCount(0);
  await alice.close();
  await bob.close();
});
