import { expect, test } from "@playwright/test";
import { Person } from "../fixtures/app.ts";

test("a keyboard or screen-reader user starts in the search box, and hears requests and messages as they come", async ({
  browser,
}) => {
  const alice = await Person.signedUp(browser, "alice");
  await expect(alice.page.getByRole("heading", { level: 1, name: "pim" })).toBeAttached();
  await expect(alice.search()).toBeFocused();
  await expect(alice.page).toHaveTitle("pim");

  const heard = alice.page.locator("[aria-live=polite]").filter({ hasText: /./ });
  const bob = await Person.signedUp(browser, "bob");
  await bob.addBuddy(alice.handle);
  await expect(heard).toHaveText(`${bob.handle.toLowerCase()} asks to see your presence.`);

  await bob.messageTo(alice.handle);
  await bob.send(alice.handle, "hello, can you hear me?");
  await expect(heard).toHaveText(`New message from ${bob.handle.toLowerCase()}: hello, can you hear me?`);
  await alice.close();
  await bob.close();
});

test("a handle that is not one is explained where it was typed, and the typing is kept", async ({
  browser,
}) => {
  const alice = await Person.signedUp(browser, "alice");
  await alice.openSettings("How your watching shows");
  const visibility = alice.page.getByRole("region", { name: "Visibility rules" });
  const field = visibility.getByLabel("Exception for handle");
  await field.fill("Bad Handle!!");
  await visibility.getByRole("button", { name: "Add exception" }).click();
  await expect(visibility.getByRole("alert")).toHaveText(
    "A handle may use only letters, digits, '.', '_' and '-'.",
  );
  await expect(field).toHaveValue("Bad Handle!!");
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await alice.close();
});

test("stepping through Availability with the arrow keys sets only the status settled on", async ({
  browser,
}) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  await bob.addBuddy(alice.handle);
  await alice.approve(bob.handle);
  await expect(bob.buddy(alice.handle)).toContainText("Available");

  const sent: string[] = [];
  alice.page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/presence"))
      sent.push(request.postData() ?? "");
  });
  const availability = (await alice.openStatusMenu()).getByLabel("Availability");
  await availability.focus();
  await availability.press("ArrowDown"); // Away
  await availability.press("ArrowDown"); // Busy
  await expect(availability).toHaveValue("busy");
  await alice.page.waitForTimeout(500); // nothing may go out while stepping
  expect(sent).toEqual([]);
  await availability.press("Tab"); // leaving the select settles it
  await expect(bob.buddy(alice.handle)).toContainText("Busy");
  expect(sent).toEqual([JSON.stringify({ availability: "busy" })]);
  await alice.close();
  await bob.close();
});

test("a problem is read with the field it is about", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  await alice.openSettings("Blocked people");
  const field = alice.page.getByLabel("Handle to block");
  await field.fill("x");
  await alice.page.getByRole("button", { name: "Block", exact: true }).click();
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toHaveAccessibleDescription(/A handle has at least \d+ characters\./);

  await alice.signOut();
  await alice.signIn("not my password");
  await expect(alice.page.getByLabel("Password")).toHaveAccessibleDescription("Wrong handle or password.");
  await alice.close();
});

test("the keyboard's place is kept when an action takes its control away", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  const carol = await Person.signedUp(browser, "carol");
  const [bobHandle, carolHandle] = [bob.handle.toLowerCase(), carol.handle.toLowerCase()];

  // Two watch requests: approving the first puts the keyboard on the next one's Approve.
  await bob.addBuddy(alice.handle);
  await carol.addBuddy(alice.handle);
  await alice.requestsItem().click();
  const requests = alice.page.getByRole("region", { name: "Requests to watch you" });
  const approveFirst = requests.getByRole("button", { name: /^Approve / }).first();
  const firstName = ((await approveFirst.textContent()) ?? "").replace("Approve ", "");
  const other = firstName === bobHandle ? carolHandle : bobHandle;
  await approveFirst.focus();
  await alice.page.keyboard.press("Enter");
  await expect(requests.getByRole("button", { name: `Approve ${other}` })).toBeFocused();

  // Unblocking the first of two keeps the keyboard on the next Unblock, the last on the heading.
  await alice.openSettings("Blocked people");
  const blocklist = alice.page.getByRole("region", { name: "Blocklist" });
  for (const who of [bobHandle, carolHandle]) {
    await blocklist.getByLabel("Handle to block").fill(who);
    await blocklist.getByRole("button", { name: "Block", exact: true }).click();
    await expect(blocklist.getByRole("list", { name: "Blocked people" })).toContainText(who);
  }
  await blocklist.getByRole("button", { name: `Unblock ${bobHandle}` }).focus();
  await alice.page.keyboard.press("Enter");
  await expect(blocklist.getByRole("button", { name: `Unblock ${carolHandle}` })).toBeFocused();
  await alice.page.keyboard.press("Enter");
  await expect(blocklist.getByRole("heading", { name: "Blocked people" })).toBeFocused();

  // Saving the rules draws the editor afresh; the keyboard stays on Save rules.
  await alice.openSettings("Who sees your presence");
  const rules = alice.page.getByRole("region", { name: "Access rules" });
  await rules.getByLabel("Person's handle").fill(bobHandle);
  await rules.getByRole("button", { name: "Add rule" }).click();
  const save = rules.getByRole("button", { name: "Save rules" });
  await save.focus();
  await alice.page.keyboard.press("Enter");
  await expect(alice.page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(save).toBeFocused();
  await expect(save).toBeDisabled();

  // Removing the only rule from the draft leaves the keyboard at the top of the editor.
  await rules.getByRole("button", { name: `Remove rule for ${bobHandle}` }).focus();
  await alice.page.keyboard.press("Enter");
  await expect(rules.getByRole("button", { name: `Remove rule for ${bobHandle}` })).toHaveCount(0);
  await expect(rules.getByRole("heading", { name: "Who sees your presence" })).toBeFocused();

  for (const person of [alice, bob, carol]) await person.close();
});
