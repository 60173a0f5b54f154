import { describe, expect, it } from "vitest";
import { ROOM_CALL_MAX_AGE_MS, type RoomCall, signRoomCall, verifyRoomCall } from "./room-call.ts";

const secret = "k".repeat(64);
const now = 1_700_000_000_000;
const call: RoomCall = { from: "alice", to: "bob", method: "POST", path: "/subscribe", body: '{"x":1}' };

describe("room-to-room call proofs", () => {
  it("verifies a fresh call and names the calling room", async () => {
    const header = await signRoomCall(secret, call, now);
    expect(await verifyRoomCall(secret, header, call, now + 1_000)).toBe("alice");
  });

  it.each([
    { case: "other secret", header: () => signRoomCall("z".repeat(64), call, now), check: call, at: now },
    {
      case: "other target",
      header: () => signRoomCall(secret, call, now),
      check: { ...call, to: "carol" },
      at: now,
    },
    {
      case: "other path",
      header: () => signRoomCall(secret, call, now),
      check: { ...call, path: "/x" },
      at: now,
    },
    {
      case: "other body",
      header: () => signRoomCall(secret, call, now),
      check: { ...call, body: "{}" },
      at: now,
    },
    {
      case: "other method",
      header: () => signRoomCall(secret, call, now),
      check: { ...call, method: "GET" },
      at: now,
    },
    {
      case: "stale",
      header: () => signRoomCall(secret, call, now),
      check: call,
      at: now + ROOM_CALL_MAX_AGE_MS + 1,
    },
    {
      case: "caller swapped",
      header: async () => (await signRoomCall(secret, call, now)).replace(/^alice:/, "mallory:"),
      check: call,
      at: now,
    },
    { case: "garbage", header: async () => "alice:1:AAAA", check: call, at: now },
    { case: "malformed", header: async () => "nonsense", check: call, at: now },
  ])("refuses $case", async ({ header, check, at }) => {
    expect(await verifyRoomCall(secret, await header(), check, at)).toBeNull();
  });
});
