import { type Buddy, ServerMessageSchema } from "@pim/protocol";
import { describe, expect, it } from "vitest";
import { buddyUpdatedFrame, jsonText } from "./json-text.ts";

describe("buddyUpdatedFrame", () => {
  const buddies: Buddy[] = [
    {
      handle: "alice",
      state: "active",
      since: 5,
      view: { handle: "alice", status: "open", note: 'a "quoted" note' },
    },
    { handle: "bob", state: "pending", since: 7 },
  ];
  it.each(buddies)(
    "is what JSON.stringify writes of the message, and a valid server message ($handle)",
    (buddy) => {
      const frame = buddyUpdatedFrame(jsonText(buddy));
      expect(frame).toBe(JSON.stringify({ type: "buddy.updated", buddy }));
      expect(ServerMessageSchema.parse(JSON.parse(frame))).toEqual({ type: "buddy.updated", buddy });
    },
  );
});
