import { expect, type Locator, type Page, test } from "@playwright/test";
import { newHandle, Person } from "../fixtures/app.ts";

/** A finger held on the element for a while, as a phone's touch screen sends it. */
async function longPress(page: Page, element: Locator): Promise<void> {
  const box = await element.boundingBox();
  if (!box) throw new Error("nothing to press");
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [point] });
  await page.waitForTimeout(900);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
}

test("the people list is one keyboard stop: arrows and type-ahead move in it, Enter opens, and the open conversation is the selected one", async ({
  browser,
}) => {
  const alice = await Person.signedUp(browser, "alice");
  const refused: string[] = [];
  alice.page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
  });
  const others = [
    await Person.signedUp(browser, "bob"),
    await Person.signedUp(browser, "carol"),
    await Person.signedUp(browser, "dave"),
  ];
  for (const other of others) await alice.addBuddy(other.handle);
  const [bob, carol] = others as [Person, Person, Person];
  const page = alice.page;
  const order = await alice
    .people()
    .getByRole("option")
    .evaluateAll((options) => options.map((option) => option.getAttribute("data-handle") ?? ""));
  expect(order).toHaveLength(3);

  // One Tab from the search box enters the list; the arrows walk it.
  await alice.search().focus();
  await page.keyboard.press("Tab");
  await expect(alice.buddy(order[0] ?? "")).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(alice.buddy(order[1] ?? "")).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(alice.buddy(order[0] ?? "")).toBeFocused();

  // Typing a name goes to that person; Enter opens the conversation, which is the selected one.
  await page.keyboard.type(carol.handle.toLowerCase().slice(0, 12));
  await expect(alice.buddy(carol.handle)).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(alice.conversation(carol.handle)).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/chat/${carol.handle.toLowerCase()}$`));
  await expect(
    alice.conversation(carol.handle).getByLabel(`Message to ${carol.handle.toLowerCase()}`),
  ).toBeFocused();
  await expect(alice.buddy(carol.handle)).toHaveAttribute("aria-selected", "true");

  // The selection follows the open conversation, however it was opened.
  const next = order[order.indexOf(carol.handle.toLowerCase()) + 1] ?? order[0] ?? "";
  await page.keyboard.press("Alt+ArrowDown");
  await expect(page).toHaveURL(new RegExp(`/chat/${next}$`));
  await expect(alice.buddy(next)).toHaveAttribute("aria-selected", "true");
  await expect(alice.buddy(carol.handle)).toHaveAttribute("aria-selected", "false");
  await alice.buddy(bob.handle).click();
  await expect(alice.conversation(bob.handle)).toBeVisible();
  await expect(alice.buddy(bob.handle)).toHaveAttribute("aria-selected", "true");
  await expect(alice.people().getByRole("option", { selected: true })).toHaveCount(1);

  // A right click on a person opens their actions, without opening them.
  await alice.buddy(carol.handle).click({ button: "right" });
  const menu = page.getByRole("menu", { name: `Actions for ${carol.handle.toLowerCase()}` });
  await expect(menu.getByRole("menuitem", { name: "Open the conversation" })).toBeFocused();
  await menu.getByRole("menuitem", { name: "Remove from buddies" }).click();
  await expect(alice.buddy(carol.handle)).toHaveCount(0);
  await expect(alice.conversation(bob.handle)).toBeVisible();

  // From the keyboard, the context-menu key opens the same menu; Escape in the list closes the
  // open conversation, and the keyboard stays on the person.
  await alice.buddy(bob.handle).focus();
  await page.keyboard.press("Shift+F10");
  await expect(page.getByRole("menu", { name: `Actions for ${bob.handle.toLowerCase()}` })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("menu")).toHaveCount(0);
  await expect(alice.buddy(bob.handle)).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(alice.conversation(bob.handle)).toHaveCount(0);
  await expect(page).toHaveURL(/\/$/);
  await expect(alice.buddy(bob.handle)).toBeFocused();
  // React Aria's presses and menus run within the content policy (no inline style refused).
  expect(refused).toEqual([]);
  for (const person of [alice, ...others]) await person.close();
});

test("on a touch screen, a long press on a person opens their actions, and a tap opens the conversation", async ({
  browser,
}) => {
  const context = await browser.newContext({ hasTouch: true, viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await page.goto("/");
  const alice = new Person(page, newHandle("alice"));
  await alice.signUp();
  const bob = await Person.signedUp(browser, "bob");
  const bobHandle = bob.handle.toLowerCase();
  await alice.addBuddy(bob.handle);

  await longPress(page, alice.buddy(bob.handle));
  const menu = page.getByRole("menu", { name: `Actions for ${bobHandle}` });
  await expect(menu).toBeVisible();
  await expect(page).toHaveURL(/\/$/); // held, not tapped: the conversation did not open
  await menu.getByRole("menuitem", { name: "Details and privacy" }).tap();
  await expect(page).toHaveURL(new RegExp(`/people/${bobHandle}$`));
  await expect(page.getByRole("heading", { level: 2, name: bobHandle })).toBeVisible();

  await page.getByRole("link", { name: "Back to the list" }).tap();
  await alice.buddy(bob.handle).tap();
  await expect(alice.conversation(bob.handle)).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/chat/${bobHandle}$`));
  await alice.close();
  await bob.close();
});
