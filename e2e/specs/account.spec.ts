import { expect, test } from "@playwright/test";
import { Person } from "../fixtures/app.ts";

test("two people sign up in two browsers and each is signed in as themselves", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  await alice.expectSignedIn();
  await bob.expectSignedIn();
  await alice.close();
  await bob.close();
});

test("a reload keeps the session", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  await alice.page.reload();
  await alice.expectSignedIn();
  await alice.close();
});

test("a wrong password is answered in words, and the right one signs in", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  await alice.signOut();
  await alice.signIn("not my password");
  await expect(alice.page.getByRole("alert")).toHaveText("Wrong handle or password.");
  await alice.signIn();
  await alice.expectSignedIn();
  await alice.close();
});

test("a handle that is taken says so", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  const impostor = await Person.open(browser, "impostor");
  await impostor.page.getByRole("button", { name: "Create an account" }).click();
  await impostor.page.getByLabel("Handle", { exact: true }).fill(alice.handle.toUpperCase());
  await impostor.page.getByLabel("Password").fill("another password");
  await impostor.page.getByRole("button", { name: "Sign up" }).click();
  await expect(impostor.page.getByRole("alert")).toHaveText("That handle is taken.");
  await alice.close();
  await impostor.close();
});

test("sign-out returns to the sign-in screen, and a reload stays signed out", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  await alice.signOut();
  // Asked for, so no "you were signed out" notice.
  await expect(alice.page.getByRole("status")).toHaveCount(0);
  await alice.page.reload();
  await alice.expectSignedOut();
  await alice.close();
});
