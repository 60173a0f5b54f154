import { expect, test } from "@playwright/test";
import { Person } from "../fixtures/app.ts";

test("the status menu opens from me, sets availability and a note that clears, and closes with Escape", async ({
  browser,
}) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  await bob.addBuddy(alice.handle);
  await alice.approve(bob.handle);
  await expect(bob.buddy(alice.handle)).toContainText("Available");

  const menu = await alice.openStatusMenu();
  await menu.getByLabel("Availability").selectOption("away");
  await menu.getByLabel("Note").fill("at the dentist");
  await menu.getByLabel("Clears").selectOption({ label: "in 1 hour" });
  await menu.getByRole("button", { name: "Set note" }).click();
  await expect(menu).toContainText("until");
  await alice.page.keyboard.press("Escape");
  await expect(alice.status()).toHaveCount(0);
  await expect(alice.me()).toBeFocused(); // the keyboard is back where it was
  await expect(alice.me()).toContainText("Away · at the dentist");
  await expect(bob.buddy(alice.handle)).toContainText("Away");
  await expect(bob.buddy(alice.handle)).toContainText("at the dentist");
  await alice.close();
  await bob.close();
});

test("a conversation opens from the list and by its URL, and back and forward walk the places", async ({
  browser,
}) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  const bobHandle = bob.handle.toLowerCase();
  await alice.addBuddy(bob.handle);

  await alice.buddy(bob.handle).click();
  await expect(alice.conversation(bob.handle)).toBeVisible();
  await expect(alice.page).toHaveURL(new RegExp(`/chat/${bobHandle}$`));
  await alice.send(bob.handle, "hello by the list");
  await expect(alice.message(bob.handle, "hello by the list")).toContainText("Delivered");

  await alice.conversation(bob.handle).getByRole("link", { name: bobHandle }).click();
  await expect(alice.page).toHaveURL(new RegExp(`/people/${bobHandle}$`));
  await expect(alice.page.getByRole("heading", { level: 2, name: bobHandle })).toBeVisible();
  await alice.page.goBack();
  await expect(alice.conversation(bob.handle)).toBeVisible();
  await alice.page.goBack();
  await expect(alice.page).toHaveURL(/\/$/);
  await expect(alice.conversation(bob.handle)).toHaveCount(0);
  await alice.page.goForward();
  await expect(alice.message(bob.handle, "hello by the list")).toBeVisible();

  // A URL typed or shared opens the same place, and a reload keeps it.
  await bob.page.goto(`/chat/${alice.handle.toLowerCase()}`);
  await expect(bob.message(alice.handle, "hello by the list")).toBeVisible();
  await bob.page.goto("/settings/blocked");
  await expect(bob.page.getByRole("heading", { level: 2, name: "Blocked people" })).toBeVisible();
  await bob.page.reload();
  await expect(bob.page.getByRole("heading", { level: 2, name: "Blocked people" })).toBeVisible();
  await alice.close();
  await bob.close();
});

test("the quick switcher finds a person or a place; Alt+arrows move between conversations; Escape closes", async ({
  browser,
}) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  const carol = await Person.signedUp(browser, "carol");
  await alice.addBuddy(bob.handle);
  await alice.addBuddy(carol.handle);

  await alice.page.keyboard.press("Control+k");
  const switcher = alice.page.getByRole("dialog", { name: "Go to" });
  await expect(switcher.getByRole("searchbox", { name: "Find a person or a place" })).toBeFocused();
  await alice.page.keyboard.type(carol.handle.toLowerCase().slice(0, 12));
  await alice.page.keyboard.press("Enter");
  await expect(switcher).toHaveCount(0);
  await expect(alice.conversation(carol.handle)).toBeVisible();

  await alice.page.keyboard.press("Control+k");
  await alice.page.keyboard.type("blocked people");
  await alice.page.keyboard.press("Enter");
  await expect(alice.page.getByRole("heading", { level: 2, name: "Blocked people" })).toBeVisible();

  // Alt+Down from nowhere opens the first in the list, then the next.
  const order = await alice
    .people()
    .getByRole("option")
    .evaluateAll((items) => items.map((item) => item.getAttribute("data-handle")));
  await alice.page.getByRole("link", { name: "Settings", exact: true }).focus();
  await alice.page.keyboard.press("Alt+ArrowDown");
  await expect(alice.conversation(order[0] ?? "")).toBeVisible();
  await alice.page.keyboard.press("Alt+ArrowDown");
  await expect(alice.conversation(order[1] ?? "")).toBeVisible();
  await alice.page.keyboard.press("Alt+ArrowUp");
  await expect(alice.conversation(order[0] ?? "")).toBeVisible();

  // Escape (with nothing typed) closes the conversation and goes back to the list.
  await alice.page.keyboard.press("Escape");
  await expect(alice.conversation(order[0] ?? "")).toHaveCount(0);
  await expect(alice.buddy(order[0] ?? "")).toBeFocused();
  for (const person of [alice, bob, carol]) await person.close();
});

test("in a conversation Alice sees what Bob sees of her and changes it; Bob's browser shows the change", async ({
  browser,
}) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  const bobHandle = bob.handle.toLowerCase();
  await bob.addBuddy(alice.handle);
  await alice.approve(bob.handle);
  await alice.setNote("planning the trip");
  await expect(bob.buddy(alice.handle)).toContainText("planning the trip");

  await alice.messageTo(bob.handle);
  await alice
    .conversation(bob.handle)
    .getByRole("button", { name: `What ${bobHandle} sees` })
    .click();
  const privacy = alice.page.getByRole("dialog", { name: `Privacy for ${bobHandle}` });
  await expect(privacy).toContainText("planning the trip");
  const control = privacy.getByLabel(`${bobHandle} may see`);

  await control.selectOption("polite-block");
  await expect(privacy).toContainText("Appear offline, because of your rule for them.");
  await expect(bob.buddy(alice.handle)).toContainText("Offline");
  await expect(bob.buddy(alice.handle)).not.toContainText("planning the trip");

  await control.selectOption("allow:availability");
  await expect(privacy).toContainText("Allow, because of your rule for them.");
  await expect(privacy).not.toContainText("planning the trip");
  await expect(bob.buddy(alice.handle)).toContainText("Available");
  await expect(bob.buddy(alice.handle)).not.toContainText("planning the trip");

  await control.selectOption("block");
  await expect(privacy).toContainText("Block, because of they are on your blocklist.");
  await expect(bob.buddy(alice.handle)).not.toContainText("Available");
  await alice.page.keyboard.press("Escape");
  await expect(privacy).toHaveCount(0);

  // The same control on Bob's page; the blocklist in settings agrees.
  await alice.page.goto(`/people/${bobHandle}`);
  await expect(alice.page.getByLabel(`${bobHandle} may see`)).toHaveValue("block");
  await alice.page.goto("/settings/blocked");
  await expect(alice.page.getByRole("list", { name: "Blocked people" })).toContainText(bobHandle);
  await alice.close();
  await bob.close();
});

test("a watch request is one item at the top of the list until it is answered", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  const carol = await Person.signedUp(browser, "carol");
  await bob.addBuddy(alice.handle);
  await expect(alice.requestsItem()).toContainText("1 person asks to see your presence");
  await carol.addBuddy(alice.handle);
  await expect(alice.requestsItem()).toContainText("2 people ask to see your presence");

  await alice.requestsItem().click();
  await expect(alice.page).toHaveURL(/\/requests$/);
  await alice.page.getByRole("button", { name: `Approve ${bob.handle.toLowerCase()}` }).click();
  await alice.page.getByRole("button", { name: `Deny ${carol.handle.toLowerCase()}` }).click();
  await expect(alice.requestsItem()).toHaveCount(0);
  await expect(bob.buddy(alice.handle)).toContainText("Available");
  await expect(carol.buddy(alice.handle)).toContainText("Offline (not shared with you)");
  // Approved, Bob is offered to Alice's own list.
  await alice.page.getByRole("button", { name: `Add ${bob.handle.toLowerCase()} back` }).click();
  await expect(alice.buddy(bob.handle)).toContainText("Waiting for approval");
  for (const person of [alice, bob, carol]) await person.close();
});
