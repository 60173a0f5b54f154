import { expect, test } from "@playwright/test";
import { PASSWORD, Person } from "../fixtures/app.ts";

test("Alice and Bob converse, and Alice sees her message delivered, then read", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  // A read receipt says "Bob is online now": only someone who may see him so gets one.
  await alice.addBuddy(bob.handle);
  await bob.approve(alice.handle);
  await expect(alice.buddy(bob.handle)).toContainText("Available");
  await bob.page.goto("/"); // from the requests back to his list

  await alice.messageTo(bob.handle);
  await alice.send(bob.handle, "Lunch at noon?");
  await expect(alice.message(bob.handle, "Lunch at noon?")).toContainText("Delivered");

  // Bob sees a new conversation at the top of his list, with one unread message and its preview.
  const inList = bob.buddy(alice.handle);
  await expect(inList).toContainText("1 unread");
  await expect(inList).toContainText("Lunch at noon?");
  await expect(bob.page).toHaveTitle("(1) pim");
  await inList.click();
  await expect(bob.message(alice.handle, "Lunch at noon?")).toBeVisible();
  await expect(inList).not.toContainText("unread");
  await expect(bob.page).toHaveTitle(`${alice.handle.toLowerCase()} – pim`);
  await expect(alice.message(bob.handle, "Lunch at noon?")).toContainText("Read");

  await bob.send(alice.handle, "Sure, see you there");
  await expect(alice.message(bob.handle, "Sure, see you there")).toBeVisible();
  await expect(bob.message(alice.handle, "Sure, see you there")).toContainText(/Delivered|Read/);
  await alice.close();
  await bob.close();
});

test("a message to a signed-out Bob is waiting for him when he signs in", async ({ browser }) => {
  const alice = await Person.open(browser, "alice");
  const bob = await Person.open(browser, "bob");
  await bob.signUp();
  await bob.signOut();
  await alice.signUp();
  await alice.messageTo(bob.handle);
  await alice.send(bob.handle, "Call me when you are back");
  await expect(alice.message(bob.handle, "Call me when you are back")).toContainText("Delivered");

  await bob.fillCredentials(PASSWORD);
  await bob.page.getByRole("button", { name: "Sign in" }).click();
  await bob.expectSignedIn();
  await expect(bob.buddy(alice.handle)).toContainText("1 unread");
  await bob.buddy(alice.handle).click();
  await expect(bob.message(alice.handle, "Call me when you are back")).toBeVisible();
  await alice.close();
  await bob.close();
});

test("a blocked sender sees 'not delivered'", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  const mallory = await Person.signedUp(browser, "mallory");
  await alice.openSettings("Blocked people");
  await alice.page.getByLabel("Handle to block").fill(mallory.handle);
  await alice.page.getByRole("button", { name: "Block", exact: true }).click();
  await expect(alice.page.getByRole("list", { name: "Blocked people" })).toContainText(
    mallory.handle.toLowerCase(),
  );

  await mallory.messageTo(alice.handle);
  // Told before sending, in the same words as for anyone who may not write.
  await expect(mallory.conversation(alice.handle).getByRole("status")).toHaveText(
    "This person is not accepting messages from you.",
  );
  await mallory.send(alice.handle, "hello?");
  await expect(mallory.message(alice.handle, "hello?")).toContainText(
    "Not delivered: This person is not accepting messages from you.",
  );
  await alice.close();
  await mallory.close();
});

test("Alice's second tab shows the messages she sends from the first", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  const secondTab = await alice.page.context().newPage();
  await secondTab.goto(`/chat/${bob.handle.toLowerCase()}`);
  const second = new Person(secondTab, alice.handle);
  await second.expectSignedIn();

  await alice.messageTo(bob.handle);
  await alice.send(bob.handle, "sent from tab one");
  await expect(second.message(bob.handle, "sent from tab one")).toContainText("Delivered");
  await alice.close();
  await bob.close();
});

test("markup in a message is shown as text, and no script runs", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  const dialogs: string[] = [];
  for (const person of [alice, bob])
    person.page.on("dialog", (d) => void d.dismiss().then(() => dialogs.push(d.message())));

  const evil = `<img src=x onerror=alert(1)> <script>alert(2)</script> see https://example.com/a?b=1 and javascript:alert(3)`;
  await alice.messageTo(bob.handle);
  await alice.send(bob.handle, evil);
  await bob.messageTo(alice.handle);
  const shown = bob.message(alice.handle, "<img src=x onerror=alert(1)>");
  await expect(shown).toContainText("<script>alert(2)</script>");
  await expect(shown.locator("img")).toHaveCount(0);
  await expect(shown.locator("script")).toHaveCount(0);
  // Only the web link became a link.
  await expect(shown.getByRole("link")).toHaveCount(1);
  await expect(shown.getByRole("link")).toHaveAttribute("href", "https://example.com/a?b=1");
  expect(dialogs).toEqual([]);
  await alice.close();
  await bob.close();
});

test("a message written while the connection is down is sent once it is back, exactly once", async ({
  browser,
}) => {
  const alice = await Person.open(browser, "alice");
  const connection = await alice.interceptConnection();
  await alice.signUp();
  const bob = await Person.signedUp(browser, "bob");
  await alice.messageTo(bob.handle);

  await connection.down();
  await expect(alice.page.getByRole("status").filter({ hasText: "Reconnecting" })).toBeVisible();
  await alice.send(bob.handle, "written in a tunnel");
  await expect(alice.message(bob.handle, "written in a tunnel")).toContainText("Sending…");

  await connection.up();
  await expect(alice.message(bob.handle, "written in a tunnel")).toContainText("Delivered");
  await bob.messageTo(alice.handle);
  await expect(bob.message(alice.handle, "written in a tunnel")).toHaveCount(1);
  await alice.page.reload();
  await alice.expectSignedIn();
  await expect(alice.message(bob.handle, "written in a tunnel")).toHaveCount(1);
  await alice.close();
  await bob.close();
});

test("Bob refuses messages while signed out, and Alice, who may see him, is told before she sends", async ({
  browser,
}) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  // Only someone who may see Bob's status can be told he is signed out.
  await alice.addBuddy(bob.handle);
  await bob.approve(alice.handle);
  await expect(alice.buddy(bob.handle)).toContainText("Available");
  await bob.openSettings("Who may write to you");
  await bob.page.getByLabel("While I am signed out").selectOption("refuse");
  await expect(bob.page.getByLabel("While I am signed out")).toHaveValue("refuse");
  await bob.close(); // his last tab: he is signed out (CLOSED) after the grace period

  await alice.messageTo(bob.handle);
  await expect(alice.conversation(bob.handle).getByRole("status")).toHaveText(
    "This person is not accepting messages while signed out. Try again later.",
    { timeout: 30_000 },
  );
  await alice.send(bob.handle, "are you there?");
  await expect(alice.message(bob.handle, "are you there?")).toContainText("Not delivered");
  await alice.close();
});

test("Enter that confirms an input method's text does not send it; a problem goes once the text changes", async ({
  browser,
}) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  await alice.messageTo(bob.handle);
  const box = alice.conversation(bob.handle).getByLabel(`Message to ${bob.handle.toLowerCase()}`);
  await expect(box).toBeFocused(); // opening a conversation is asking to write in it

  await box.fill("にほんご");
  await box.dispatchEvent("keydown", { key: "Enter", code: "Enter", isComposing: true, bubbles: true });
  await expect(box).toHaveValue("にほんご");
  await expect(alice.message(bob.handle, "にほんご")).toHaveCount(0);
  await box.press("Enter");
  await expect(alice.message(bob.handle, "にほんご")).toContainText("Delivered");

  await box.fill("   ");
  await box.press("Enter");
  const problem = alice.conversation(bob.handle).getByRole("alert");
  await expect(problem).toHaveText("A message cannot be empty.");
  await box.fill("now fine");
  await expect(problem).toHaveCount(0);
  await alice.close();
  await bob.close();
});

test("a message written offline in one tab is not lost when another tab sends meanwhile", async ({
  browser,
}) => {
  const alice = await Person.open(browser, "alice");
  const connection = await alice.interceptConnection();
  await alice.signUp();
  const bob = await Person.signedUp(browser, "bob");
  const secondTab = new Person(await alice.page.context().newPage(), alice.handle);
  await secondTab.page.goto("/");
  await secondTab.expectSignedIn();

  await alice.messageTo(bob.handle);
  await connection.down();
  await alice.send(bob.handle, "written offline in the first tab");
  await expect(alice.message(bob.handle, "written offline in the first tab")).toContainText("Sending…");
  await secondTab.messageTo(bob.handle);
  await secondTab.send(bob.handle, "sent from the second tab");
  await expect(secondTab.message(bob.handle, "sent from the second tab")).toContainText("Delivered");

  // The first tab is closed before it is back; the next tab to connect sends what it left.
  await alice.page.close();
  const thirdTab = new Person(await secondTab.page.context().newPage(), alice.handle);
  await thirdTab.page.goto("/");
  await thirdTab.messageTo(bob.handle);
  await expect(thirdTab.message(bob.handle, "written offline in the first tab")).toContainText("Delivered");
  await bob.messageTo(alice.handle);
  await expect(bob.message(alice.handle, "written offline in the first tab")).toHaveCount(1);
  await expect(bob.message(alice.handle, "sent from the second tab")).toHaveCount(1);
  await secondTab.close();
  await bob.close();
});
