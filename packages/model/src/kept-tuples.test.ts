import type { PresenceTuple } from "@pim/protocol";
import { describe, expect, it } from "vitest";
import { deviceTakenByClose, type KeptTab, pruningDue, tuplesOfSockets } from "./kept-tuples.ts";

function tuple(id: string, since: number, availability: "available" | "away" = "available"): PresenceTuple {
  return { id, status: "open", availability, device: `Device ${id}`, contact: "im:alice", since };
}

describe("tuplesOfSockets", () => {
  it.each<{ case: string; tabs: KeptTab[]; ids: string[] }>([
    { case: "no sockets", tabs: [], ids: [] },
    { case: "one tab", tabs: [{ tuple: tuple("a", 1) }], ids: ["a"] },
    {
      case: "two tabs in order",
      tabs: [{ tuple: tuple("a", 1) }, { tuple: tuple("b", 2) }],
      ids: ["a", "b"],
    },
    { case: "a socket not yet admitted", tabs: [{}, { tuple: tuple("b", 2) }], ids: ["b"] },
    {
      case: "a socket being closed (state cleared)",
      tabs: [null, undefined, { tuple: tuple("b", 2) }],
      ids: ["b"],
    },
  ])("$case", ({ tabs, ids }) => {
    expect(tuplesOfSockets(tabs).map((t) => t.id)).toEqual(ids);
  });

  it("keeps the newest tuple of an id claimed twice", () => {
    const old = tuple("a", 1, "away");
    const fresh = tuple("a", 5, "available");
    expect(tuplesOfSockets([{ tuple: fresh }, { tuple: old }])).toEqual([fresh]);
    expect(tuplesOfSockets([{ tuple: old }, { tuple: fresh }])).toEqual([fresh]);
  });
});

describe("deviceTakenByClose", () => {
  it.each<{ case: string; tab: KeptTab; takes: string | null }>([
    { case: "an admitted tab", tab: { tuple: tuple("a", 1) }, takes: "a" },
    { case: "a tab refused at admission", tab: {}, takes: null },
    { case: "a signed-out or replaced tab (state cleared)", tab: null, takes: null },
    { case: "a socket with no state", tab: undefined, takes: null },
  ])("$case: $takes", ({ tab, takes }) => {
    expect(deviceTakenByClose(tab)?.id ?? null).toBe(takes);
  });
});

describe("pruningDue", () => {
  it.each([
    { case: "never checked since the room woke", lastAt: null, now: 5, due: true },
    { case: "checked just now", lastAt: 1_000, now: 1_500, due: false },
    { case: "the interval has passed", lastAt: 1_000, now: 2_000, due: true },
    { case: "a clock that went back", lastAt: 5_000, now: 1_000, due: true },
  ])("$case: $due", ({ lastAt, now, due }) => {
    expect(pruningDue(lastAt, now, 1_000)).toBe(due);
  });
});
