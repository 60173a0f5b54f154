import type { Buddy, ConversationSummary } from "@pim/protocol";
import { describe, expect, it } from "vitest";
import { filterPeople, listPeople } from "./people.ts";

const buddy = (handle: string, availability?: "available" | "busy", note?: string): Buddy => ({
  handle,
  state: "active",
  since: 0,
  view: availability
    ? { handle, status: "open", availability, ...(note ? { note } : {}) }
    : { handle, status: "closed" },
});
const talk = (peer: string, sentAt: number, unread = 0): ConversationSummary => ({
  with: peer,
  unread,
  lastSeq: 1,
  readUpTo: 0,
  last: {
    id: `m-${peer}`,
    conversation: peer,
    from: peer,
    to: "me",
    text: "hi",
    sentAt,
    seq: 1,
    state: "delivered",
  },
});

describe("listPeople", () => {
  it("puts buddies and conversations in one list, most recent activity first, each person once", () => {
    const rows = listPeople(
      [buddy("ann", "available"), buddy("bob", "busy"), buddy("cid"), buddy("dee", "available")],
      [talk("bob", 200), talk("eve", 300)],
    );
    expect(rows.map((r) => r.handle)).toEqual(["eve", "bob", "ann", "dee", "cid"]);
    expect(rows[1]?.buddy?.handle).toBe("bob");
    expect(rows[1]?.conversation?.with).toBe("bob");
    expect(rows[0]?.buddy).toBeUndefined();
  });

  it("keeps a handle like an Object.prototype name as a person like any other", () => {
    expect(listPeople([buddy("constructor")], [talk("__proto__", 1)]).map((r) => r.handle)).toEqual([
      "__proto__",
      "constructor",
    ]);
  });
});

describe("filterPeople", () => {
  const rows = listPeople([buddy("ann", "available", "At the Lisbon office")], [talk("bob", 1)]);
  it.each([
    { typed: "", shown: ["bob", "ann"] },
    { typed: " BOB ", shown: ["bob"] },
    { typed: "lisbon", shown: ["ann"] },
    { typed: "zed", shown: [] },
  ])("$typed shows $shown", ({ typed, shown }) => {
    expect(filterPeople(rows, typed).map((r) => r.handle)).toEqual(shown);
  });
});
