import { expect, test } from "@playwright/test";
import { Person } from "../fixtures/app.ts";

test("signing out everywhere signs out the other tab too, and says why", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  const secondTab = await alice.page.context().newPage();
  await secondTab.goto("/");
  await new Person(secondTab, alice.handle).expectSignedIn();
  await alice.signOut(true);
  await expect(secondTab.getByRole("form", { name: "Sign in" })).toBeVisible();
  await expect(secondTab.getByRole("status")).toHaveText("You were signed out everywhere.");
  await secondTab.reload();
  await expect(secondTab.getByRole("form", { name: "Sign in" })).toBeVisible();
  await alice.close();
});

test("a session that ended while the connection was down leads back to sign-in, not to endless retries", async ({
  browser,
}) => {
  const alice = await Person.open(browser, "alice");
  // Stand between the tab and its room, so the connection can be cut without the room's 4401.
  let cut: (() => Promise<void>) | undefined;
  await alice.page.routeWebSocket(/\/parties\/user\//, (socket) => {
    socket.connectToServer();
    cut = () => socket.close({ code: 4000, reason: "connection lost" });
  });
  await alice.signUp();

  // The cookie is gone (expired, cleared) while the connection is down: the room refuses the
  // next upgrade with 401 before it becomes a socket, which the page only sees as a failure.
  await alice.page.context().clearCookies();
  await cut?.();
  await expect(alice.page.getByRole("form", { name: "Sign in" })).toBeVisible();
  await expect(alice.page.getByRole("status")).toHaveText("Your session has ended. Sign in again.");
  await alice.close();
});
