import type { ChosenState, PresenceTuple } from "@pim/protocol";
import { describe, expect, it } from "vitest";
import {
  type AggregateInput,
  aggregate,
  isPresent,
  nextChangeAt,
  type PresencePolicy,
  viewKey,
  viewsEqual,
} from "./presence-aggregate.ts";

const policy: PresencePolicy = { graceMs: 1_000 };
const NOW = 10_000;

function tuple(id: string, idle = false): PresenceTuple {
  return {
    id,
    status: "open",
    availability: idle ? "away" : "available",
    device: `dev ${id}`,
    contact: "im:alice",
    since: 0,
  };
}

type InputOverrides = Partial<Omit<AggregateInput, "chosen">> & { chosen?: Partial<ChosenState> };

function input(over: InputOverrides = {}): AggregateInput {
  return {
    handle: "alice",
    contact: "im:alice",
    tuples: [],
    lastSeen: null,
    lastDisconnectAt: null,
    ...over,
    chosen: { availability: "available", invisible: false, ...over.chosen },
  };
}

describe("aggregate: status", () => {
  it.each([
    {
      case: "no device, never connected",
      devices: 0,
      invisible: false,
      disconnectedAgo: null,
      status: "closed",
    },
    { case: "no device, within grace", devices: 0, invisible: false, disconnectedAgo: 500, status: "open" },
    { case: "no device, grace over", devices: 0, invisible: false, disconnectedAgo: 1_000, status: "closed" },
    { case: "one device", devices: 1, invisible: false, disconnectedAgo: null, status: "open" },
    { case: "two devices", devices: 2, invisible: false, disconnectedAgo: null, status: "open" },
    { case: "one device, invisible", devices: 1, invisible: true, disconnectedAgo: null, status: "closed" },
    { case: "two devices, invisible", devices: 2, invisible: true, disconnectedAgo: null, status: "closed" },
    { case: "within grace, invisible", devices: 0, invisible: true, disconnectedAgo: 500, status: "closed" },
  ])("$case: $status", ({ devices, invisible, disconnectedAgo, status }) => {
    const tuples = Array.from({ length: devices }, (_, i) => tuple(`t${i}`));
    const view = aggregate(
      input({
        tuples,
        chosen: { invisible },
        lastDisconnectAt: disconnectedAgo === null ? null : NOW - disconnectedAgo,
      }),
      NOW,
      policy,
    );
    expect(view.status).toBe(status);
    expect(
      isPresent(
        input({ tuples, lastDisconnectAt: disconnectedAgo === null ? null : NOW - disconnectedAgo }),
        NOW,
        policy,
      ),
    ).toBe(devices > 0 || (disconnectedAgo !== null && disconnectedAgo < 1_000));
  });
});

describe("aggregate: availability", () => {
  it.each([
    { case: "chosen available, active device", chosen: "available", idle: [false], expected: "available" },
    { case: "chosen available, the only device idle", chosen: "available", idle: [true], expected: "away" },
    {
      case: "chosen available, one of two idle",
      chosen: "available",
      idle: [true, false],
      expected: "available",
    },
    { case: "chosen available, both idle", chosen: "available", idle: [true, true], expected: "away" },
    { case: "chosen away, active device", chosen: "away", idle: [false], expected: "away" },
    { case: "chosen busy, all idle: busy wins", chosen: "busy", idle: [true], expected: "busy" },
    { case: "chosen dnd, all idle: dnd wins", chosen: "dnd", idle: [true, true], expected: "dnd" },
    { case: "chosen busy, active", chosen: "busy", idle: [false], expected: "busy" },
    { case: "within grace: the chosen one", chosen: "available", idle: [], expected: "available" },
  ] as const)("$case: $expected", ({ chosen, idle, expected }) => {
    const tuples = idle.map((isIdle, i) => tuple(`t${i}`, isIdle));
    const view = aggregate(
      input({ tuples, chosen: { availability: chosen }, lastDisconnectAt: NOW - 10 }),
      NOW,
      policy,
    );
    expect(view.availability).toBe(expected);
  });
});

describe("aggregate: what an OPEN and a CLOSED view hold", () => {
  it("OPEN: availability, note, devices, markup and the inbox address; no last seen", () => {
    const view = aggregate(
      input({ tuples: [tuple("a")], chosen: { note: "hi", markup: { emoji: "🌴" } }, lastSeen: 5 }),
      NOW,
      policy,
    );
    expect(view).toEqual({
      handle: "alice",
      status: "open",
      availability: "available",
      note: "hi",
      markup: { emoji: "🌴" },
      contact: "im:alice",
      devices: [{ device: "dev a", availability: "available", status: "open" }],
    });
  });

  it.each([
    {
      case: "signed out, seen before",
      invisible: false,
      lastSeen: 5,
      expected: { handle: "alice", status: "closed", lastSeen: 5 },
    },
    {
      case: "signed out, never seen",
      invisible: false,
      lastSeen: null,
      expected: { handle: "alice", status: "closed" },
    },
    {
      case: "invisible: the frozen last seen",
      invisible: true,
      lastSeen: 7,
      expected: { handle: "alice", status: "closed", lastSeen: 7 },
    },
  ])("CLOSED, $case: nothing but status and last seen", ({ invisible, lastSeen, expected }) => {
    const tuples = invisible ? [tuple("a")] : [];
    const view = aggregate(
      input({ tuples, lastSeen, chosen: { invisible, note: "secret", availability: "busy" } }),
      NOW,
      policy,
    );
    expect(view).toEqual(expected);
  });

  it.each([
    { case: "no expiry", expiresAt: undefined, shown: true },
    { case: "expires later", expiresAt: NOW + 1, shown: true },
    { case: "expires now", expiresAt: NOW, shown: false },
    { case: "expired", expiresAt: NOW - 1, shown: false },
  ])("a note with $case is shown: $shown", ({ expiresAt, shown }) => {
    const chosen = expiresAt === undefined ? { note: "lunch" } : { note: "lunch", noteExpiresAt: expiresAt };
    expect(aggregate(input({ tuples: [tuple("a")], chosen }), NOW, policy).note).toBe(
      shown ? "lunch" : undefined,
    );
  });
});

describe("nextChangeAt", () => {
  it.each([
    { case: "nothing pending", over: { tuples: [tuple("a")] }, expected: null },
    { case: "grace running", over: { lastDisconnectAt: NOW - 200 }, expected: NOW + 800 },
    { case: "grace over", over: { lastDisconnectAt: NOW - 2_000 }, expected: null },
    {
      case: "note expiring",
      over: { tuples: [tuple("a")], chosen: { note: "x", noteExpiresAt: NOW + 50 } },
      expected: NOW + 50,
    },
    {
      case: "the earlier of grace and expiry",
      over: { lastDisconnectAt: NOW - 200, chosen: { note: "x", noteExpiresAt: NOW + 5_000 } },
      expected: NOW + 800,
    },
  ] as Array<{ case: string; over: InputOverrides; expected: number | null }>)(
    "$case",
    ({ over, expected }) => {
      expect(nextChangeAt(input(over), NOW, policy)).toBe(expected);
    },
  );
});

describe("viewsEqual", () => {
  it.each([
    { a: { handle: "a", status: "open" as const }, b: { status: "open" as const, handle: "a" }, equal: true },
    {
      a: { handle: "a", status: "open" as const },
      b: { handle: "a", status: "closed" as const },
      equal: false,
    },
    {
      a: { handle: "a", status: "open" as const, note: undefined },
      b: { handle: "a", status: "open" as const },
      equal: true,
    },
    {
      a: { handle: "a", status: "open" as const, note: "x" },
      b: { handle: "a", status: "open" as const },
      equal: false,
    },
  ])("%j", ({ a, b, equal }) => {
    expect(viewsEqual(a, b)).toBe(equal);
    // Asked again (the canonical text is kept per view): the same answer, both ways round.
    expect(viewsEqual(b, a)).toBe(equal);
    expect(viewsEqual(a, b)).toBe(equal);
    expect(viewKey(a) === viewKey(b)).toBe(equal);
  });
});
