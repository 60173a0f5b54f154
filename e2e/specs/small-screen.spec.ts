import { expect, type Locator, type Page, test } from "@playwright/test";
import { Person } from "../fixtures/app.ts";

const PHONE = { width: 360, height: 740 };

/** Nothing on the page is wider than the screen: no sideways scrolling. */
async function expectNoSidewaysScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
}

/** The element lies within the screen's width, where a thumb can reach it. */
async function expectOnScreen(element: Locator) {
  const box = await element.boundingBox();
  expect(box).not.toBeNull();
  expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
}

test("on a phone, a buddy with a long handle and a long note fits the screen, one pane at a time", async ({
  browser,
}) => {
  const alice = await Person.open(browser, "alice");
  // The longest handle there is: 32 characters with no place to break a line.
  const unique = `bob${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
  const longBob = new Person((await Person.open(browser, "bob")).page, unique.padEnd(32, "x"));
  await alice.page.setViewportSize(PHONE);
  await alice.signUp();
  await longBob.signUp();
  await alice.addBuddy(longBob.handle);
  await longBob.approve(alice.handle);
  await longBob.setNote("Working from the Lisbon office this week, ping me on chat");

  const row = alice.buddy(longBob.handle);
  await expect(row).toContainText("Lisbon office");
  await expectNoSidewaysScroll(alice.page);
  await expectOnScreen(row);
  // The note reads as a line of text, not a column of letters.
  const note = await row.getByText(/Lisbon office/).boundingBox();
  expect(note?.height ?? 0).toBeLessThan(100);

  // The conversation takes the whole screen; the list comes back with Back.
  await alice.messageTo(longBob.handle);
  await expect(alice.people()).toBeHidden();
  const conversation = alice.conversation(longBob.handle);
  for (const name of [/^What .* sees$/, /^More actions for/])
    await expectOnScreen(conversation.getByRole("button", { name }));
  await alice.send(longBob.handle, "a long handle must not push the page sideways");
  await expect(alice.message(longBob.handle, "a long handle")).toContainText("Delivered");
  await expectOnScreen(conversation.getByRole("button", { name: "Send" }));
  await expectNoSidewaysScroll(alice.page);
  await conversation.getByRole("link", { name: "Back to the list" }).click();
  await expect(alice.people()).toBeVisible();
  await expect(conversation).toHaveCount(0);

  // Their page, and the status menu, fit too.
  await alice.page.goto(`/people/${longBob.handle.toLowerCase()}`);
  await expect(alice.page.getByLabel(`${longBob.handle.toLowerCase()} may see`)).toBeVisible();
  await expectNoSidewaysScroll(alice.page);
  await alice.page.getByRole("link", { name: "Back to the list" }).click();
  const menu = await alice.openStatusMenu();
  await expectOnScreen(menu.getByRole("button", { name: "Set note" }));
  await expectNoSidewaysScroll(alice.page);
  await alice.close();
  await longBob.close();
});
