import { expect, test } from "@playwright/test";
import { Person } from "../fixtures/app.ts";

test("Bob adds Alice, Alice approves, and Bob sees her status and note change live", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");

  await bob.addBuddy(alice.handle);
  await alice.approve(bob.handle);
  await expect(bob.buddy(alice.handle)).toContainText("Available");
  // After approving, Alice is offered to watch Bob back.
  await expect(alice.page.getByRole("button", { name: `Add ${bob.handle} back` })).toBeVisible();

  await alice.setAvailability("busy");
  await alice.setNote("writing the quarterly report");
  await expect(bob.buddy(alice.handle)).toContainText("Busy");
  await expect(bob.buddy(alice.handle)).toContainText("writing the quarterly report");
  await alice.close();
  await bob.close();
});

test("when Alice closes her last tab, Bob sees her offline with a last-seen time", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  await bob.addBuddy(alice.handle);
  await alice.approve(bob.handle);
  await expect(bob.buddy(alice.handle)).toContainText("Available");

  await alice.close();
  await expect(bob.buddy(alice.handle)).toContainText("Offline");
  await expect(bob.buddy(alice.handle)).toContainText("Last seen just now");
  await bob.close();
});

test("when Alice goes invisible, Bob sees her offline while she keeps using the app", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  await bob.addBuddy(alice.handle);
  await alice.approve(bob.handle);
  await expect(bob.buddy(alice.handle)).toContainText("Available");

  const menu = await alice.openStatusMenu();
  await menu.getByLabel("Invisible").check();
  await alice.closeStatusMenu();
  await expect(bob.buddy(alice.handle)).toContainText("Offline");
  await expect(alice.me()).toContainText("Offline (invisible)");
  // Alice still uses the app: she adds a buddy of her own.
  await alice.addBuddy(bob.handle);
  await alice.close();
  await bob.close();
});

test("a buddy's text is shown as text, never as markup", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  await bob.addBuddy(alice.handle);
  await alice.approve(bob.handle);
  let dialogs = 0;
  bob.page.on("dialog", (dialog) => {
    dialogs += 1;
    void dialog.dismiss();
  });
  const note = "<img src=x onerror=alert(1)><script>alert(2)</script>";
  await alice.setNote(note);
  await expect(bob.buddy(alice.handle)).toContainText(note);
  expect(dialogs).toBe(0);
  await alice.close();
  await bob.close();
});

test("a request to watch Alice made while her connection was down shows as soon as it is back", async ({
  browser,
}) => {
  const alice = await Person.open(browser, "alice");
  const connection = await alice.interceptConnection();
  await alice.signUp();
  const carol = await Person.signedUp(browser, "carol");

  await connection.down();
  await expect(alice.page.getByRole("status").filter({ hasText: "Reconnecting" })).toBeVisible();
  await carol.addBuddy(alice.handle); // the request reaches Alice's room, not her tab

  await connection.up();
  // Wherever she is in the app, one item at the top of her list says a request waits.
  await expect(alice.requestsItem()).toContainText("1 person asks to see your presence");
  await alice.approve(carol.handle);
  await expect(carol.buddy(alice.handle)).toContainText("Available");
  await expect(alice.requestsItem()).toHaveCount(0);
  await alice.close();
  await carol.close();
});
