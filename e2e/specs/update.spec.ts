import { expect, test } from "@playwright/test";
import { Person } from "../fixtures/app.ts";

test("a tab open across a server update says so, stays usable, and a reload brings it up to date", async ({
  browser,
}) => {
  const alice = await Person.open(browser, "alice");
  // Stand between the tab and its room: once "updated", the room's greeting names a newer protocol.
  let updated = false;
  let reconnect: (() => Promise<void>) | undefined;
  await alice.page.routeWebSocket(/\/parties\/user\//, (socket) => {
    const server = socket.connectToServer();
    server.onMessage((frame) => {
      const text = typeof frame === "string" ? frame : frame.toString();
      const message = JSON.parse(text) as { type: string; protocol?: number };
      if (updated && message.type === "hello" && message.protocol !== undefined)
        socket.send(JSON.stringify({ ...message, protocol: message.protocol + 1 }));
      else socket.send(text);
    });
    reconnect = () => socket.close({ code: 4000, reason: "server restarting" });
  });
  await alice.signUp();
  const banner = alice.page.getByRole("alert").filter({ hasText: "A new version of pim is available" });
  await expect(banner).toHaveCount(0);

  // The server is updated and restarts: the tab reconnects to a room that speaks a newer protocol.
  updated = true;
  await reconnect?.();
  await expect(banner).toHaveText(/A new version of pim is available\. Reload to update\./);
  await expect(alice.page.getByRole("status").filter({ hasText: "Connected" })).toBeVisible();
  // Nothing is blocked meanwhile.
  await alice.openStatusMenu();
  await alice.closeStatusMenu();

  // Reloading fetches the new code (here: the room greets it as its own version again).
  updated = false;
  await banner.getByRole("button", { name: "Reload" }).click();
  await alice.expectSignedIn();
  await expect(banner).toHaveCount(0);
  await alice.close();
});
