import type { Buddy } from "@pim/protocol";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { MeterCounts } from "../apps/server/src/meter/meter.ts";
import {
  connect,
  roomApi,
  type Session,
  signUp,
  type TestSocket,
} from "../apps/server/test/harness/client.ts";
import { startServer, type TestServer } from "../apps/server/test/harness/server.ts";

// Decision 27 against the real runtime: the rooms' meters (PIM_METER=1, read through the bench's
// meter party) count the channels each room accepts, so a channel closed idle shows as a new one.
// Longer than the coalescing window (1 s): a change held by it goes out up to a second later.
const IDLE_MS = 2_500;
let server: TestServer;
beforeAll(async () => {
  server = await startServer({
    config: "bench/partykit.bench.json",
    vars: { PIM_METER: "1", CHANNEL_IDLE_MS: String(IDLE_MS) },
  });
});
afterAll(async () => {
  await server?.dispose();
});

async function channelsAccepted(room: string): Promise<number> {
  const counts = (await (await fetch(`${server.url}/parties/meter/all`)).json()) as Record<
    string,
    MeterCounts
  >;
  return new Map(Object.entries(counts)).get(room)?.channelsAccepted ?? 0;
}

const noteSeen = (tab: TestSocket, from: Session, note: string) =>
  tab.next("buddy.updated", (m) => m.buddy.handle === from.handle && (m.buddy as Buddy).view?.note === note);

it("a room-to-room channel stays open while used and is opened anew after it was idle", async () => {
  const alice = await signUp(server);
  const bob = await signUp(server);
  const aliceTab = await connect(server, alice);
  const bobTab = await connect(server, bob);
  expect((await roomApi(server, bob).post("/buddies", { handle: alice.handle })).status).toBe(201);
  await roomApi(server, alice).post(`/subscribers/${bob.handle}`, { decision: "approve" });
  await bobTab.next("buddy.updated", (m) => m.buddy.handle === alice.handle && m.buddy.state === "active");
  expect(await channelsAccepted(bob.handle)).toBe(1);

  // Changes closer together than the idle time: the same channel carries them.
  for (const note of ["one", "two", "three"]) {
    await roomApi(server, alice).post("/presence", { note });
    await noteSeen(bobTab, alice, note);
    await new Promise((r) => setTimeout(r, 300));
  }
  expect(await channelsAccepted(bob.handle)).toBe(1);

  // Quiet for longer than the idle time: the channel was closed, and the next change opens one.
  await new Promise((r) => setTimeout(r, IDLE_MS * 2));
  await roomApi(server, alice).post("/presence", { note: "after the quiet" });
  await noteSeen(bobTab, alice, "after the quiet");
  expect(await channelsAccepted(bob.handle)).toBe(2);
  aliceTab.close();
  bobTab.close();
});
