import { expect, test } from "@playwright/test";
import { Person } from "../fixtures/app.ts";

test("a second visit opens from the cached shell with the last known people, even offline, and the outbox waits", async ({
  browser,
}) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  await alice.addBuddy(bob.handle);
  await bob.approve(alice.handle);
  await alice.messageTo(bob.handle);
  await alice.send(bob.handle, "see you at the station");
  await expect(alice.message(bob.handle, "see you at the station")).toContainText("Delivered");
  await expect(alice.buddy(bob.handle)).toContainText("see you at the station");

  // The service worker has cached the app shell (installable: a manifest and a worker).
  await alice.page.evaluate(() => navigator.serviceWorker.ready);
  await alice.page.reload();
  await expect.poll(() => alice.page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  const manifest = await alice.page.request.get("/manifest.webmanifest");
  expect((await manifest.json()).name).toContain("pim");
  // The last known state is written at most once a second: wait until the stored copy has Bob's
  // row with the message, rather than a fixed second and a half.
  await expect
    .poll(() => alice.page.evaluate(() => localStorage.getItem("pim.cache") ?? ""))
    .toContain("see you at the station");

  await alice.page.context().setOffline(true);
  await alice.page.goto("/");
  await expect(alice.me()).toContainText(alice.handle.toLowerCase());
  await expect(alice.buddy(bob.handle)).toContainText("see you at the station");
  await expect(alice.page.getByRole("status").filter({ hasText: /Connecting|Reconnecting/ })).toBeVisible();
  // A page this browser never opened comes up offline too: the worker precached every lazy chunk.
  await alice.page.goto("/settings/blocked");
  await expect(alice.page.getByRole("heading", { level: 2, name: "Blocked people" })).toBeVisible();

  // Written offline, it waits in the outbox, and goes once the connection is back.
  await alice.buddy(bob.handle).click();
  await alice.send(bob.handle, "written offline");
  await expect(alice.message(bob.handle, "written offline")).toContainText("Sending…");
  await alice.page.context().setOffline(false);
  await expect(alice.message(bob.handle, "written offline")).toContainText("Delivered", { timeout: 30_000 });
  await expect(bob.buddy(alice.handle)).toContainText("written offline");
  await alice.close();
  await bob.close();
});
