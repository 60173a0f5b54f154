import type { StoredMessage } from "@pim/protocol";
import { describe, expect, it } from "vitest";
import { type Bounds, checkInvariants } from "./invariants.ts";
import { OpLog } from "./op-log.ts";
import { Prng } from "./prng.ts";
import { Principal, type SentMessage, World } from "./world.ts";

const BOUNDS: Bounds = { activeSubscribers: 5, waiting: 3, refused: 3, watcherRecords: 10 };

/** Two principals whose rooms answer from canned histories: the checker must see what is wrong. */
function worldWith(histories: { alice: StoredMessage[]; bob: StoredMessage[] }, messages: SentMessage[]) {
  const world = new World({ origin: "http://127.0.0.1:1", port: 1, up: () => true }, new OpLog());
  for (const handle of ["alice", "bob"] as const) {
    const p = new Principal(world, { handle, cookie: "", sessionId: "" }, new Prng(1));
    const peer = handle === "alice" ? "bob" : "alice";
    p.http = async (_method: string, path: string) => {
      if (path === "/conversations") return { status: 200, body: { conversations: [{ with: peer }] } };
      if (path.startsWith(`/conversations/${peer}/messages`))
        return { status: 200, body: { messages: histories[handle] } };
      if (path === "/subscribers") return { status: 200, body: { subscribers: [] } };
      if (path === "/buddies") return { status: 200, body: { buddies: [] } };
      if (path === "/watchers") return { status: 200, body: { watchers: [] } };
      return { status: 404, body: null };
    };
    world.principals.push(p);
  }
  for (const m of messages) world.messages.set(m.id, m);
  return world;
}

const sent = (id: string, order: number, acks: SentMessage["acks"]): SentMessage => ({
  id,
  from: "alice",
  to: "bob",
  device: "alice/device0",
  order,
  createdAt: 0,
  firstWireAt: 1,
  attempts: 1,
  acks,
});
const stored = (id: string, seq: number, state: StoredMessage["state"] = "delivered"): StoredMessage => ({
  id,
  conversation: "x",
  from: "alice",
  to: "bob",
  text: id,
  sentAt: 0,
  seq,
  state,
});
const delivered = [{ state: "delivered", at: 2 }];

describe("the chaos checks", () => {
  it("pass when both histories hold every acknowledged message once, in order", async () => {
    const world = worldWith(
      { alice: [stored("m1", 1), stored("m2", 2)], bob: [stored("m1", 1), stored("m2", 2)] },
      [sent("m1", 1, delivered), sent("m2", 2, delivered)],
    );
    const result = await checkInvariants(world, BOUNDS);
    expect(result.violations).toEqual([]);
    expect(result.checked.get("messages")).toBe(2);
  });

  it("see a lost, a duplicated, an out-of-order, a doubly acknowledged and a one-sided message", async () => {
    const world = worldWith(
      {
        alice: [stored("m2", 1), stored("m1", 2), stored("m3", 3), stored("m4", 4), stored("m5", 5)],
        bob: [
          stored("m2", 1),
          stored("m1", 2),
          stored("m3", 3),
          stored("m3", 4),
          stored("m4", 5),
          stored("m6", 6),
        ],
      },
      [
        sent("m1", 1, delivered),
        sent("m2", 2, delivered),
        sent("m3", 3, delivered),
        sent("m4", 4, [...delivered, { state: "delivered", at: 3 }]),
        sent("m5", 5, delivered),
        { ...sent("m6", 6, []), orphaned: true },
      ],
    );
    const invariants = (await checkInvariants(world, BOUNDS)).violations.map((v) => v.invariant);
    expect(invariants).toEqual(
      expect.arrayContaining([
        "messages keep the order they were sent in",
        "stored once",
        "acknowledged once",
        "acknowledged means in the recipient's history",
        "an unacknowledged message is finished by the sender's room",
      ]),
    );
  });
});
