import { expect, test } from "@playwright/test";
import { PASSWORD, Person } from "../fixtures/app.ts";

test("a handle or password that breaks the rules is explained before anything is sent", async ({
  browser,
}) => {
  const newcomer = await Person.open(browser, "newcomer");
  const sent: string[] = [];
  newcomer.page.on("request", (request) => {
    if (request.url().includes("/parties/user/")) sent.push(request.url());
  });
  await newcomer.page.getByRole("button", { name: "Create an account" }).click();

  await newcomer.fillCredentials(PASSWORD, "al");
  await newcomer.page.getByRole("button", { name: "Sign up" }).click();
  await expect(newcomer.alert()).toHaveText("A handle has at least 3 characters.");

  await newcomer.fillCredentials(PASSWORD, "al ice");
  await newcomer.page.getByRole("button", { name: "Sign up" }).click();
  await expect(newcomer.alert()).toHaveText("A handle may use only letters, digits, '.', '_' and '-'.");

  await newcomer.fillCredentials("short");
  await newcomer.page.getByRole("button", { name: "Sign up" }).click();
  await expect(newcomer.alert()).toHaveText("A password has at least 8 characters.");
  expect(sent).toEqual([]);

  // Still in sign-up mode: good credentials now go through.
  await newcomer.fillCredentials(PASSWORD);
  await newcomer.page.getByRole("button", { name: "Sign up" }).click();
  await newcomer.expectSignedIn();
  await newcomer.close();
});

test("after too many wrong passwords sign-in is locked, and the page says for how long", async ({
  browser,
}) => {
  const alice = await Person.signedUp(browser, "alice");
  await alice.signOut();

  for (let attempt = 1; attempt <= 4; attempt++) {
    await alice.signIn(`wrong password ${attempt}`);
    await expect(alice.alert()).toHaveText("Wrong handle or password.");
  }
  await alice.signIn("wrong password 5");
  // The e2e server locks for 2 seconds (LOCKOUT_MS); in production it is a minute and growing.
  await expect(alice.alert()).toHaveText(
    /^Too many wrong passwords\. Sign-in is locked for [12] more seconds?\.$/,
  );
  await alice.signIn();
  await expect(alice.alert()).toContainText("Sign-in is locked");

  // Once the lock has run out, the right password works again.
  await expect(async () => {
    await alice.signIn();
    await expect(alice.me()).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await alice.expectSignedIn();
  await alice.close();
});

test("when the server cannot be reached, signing in says so in words", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  await alice.signOut();

  await alice.page.route("**/parties/user/**", (route) => route.abort("internetdisconnected"));
  await alice.signIn();
  await expect(alice.alert()).toHaveText(
    "The server cannot be reached. Check your connection and try again.",
  );

  await alice.page.unroute("**/parties/user/**");
  await alice.signIn();
  await alice.expectSignedIn();
  await alice.close();
});
