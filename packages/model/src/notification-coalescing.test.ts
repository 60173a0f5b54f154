import type { PresenceView } from "@pim/protocol";
import { describe, expect, it } from "vitest";
import {
  type CoalesceState,
  coalesce,
  flush,
  initialCoalesceState,
  VIEW_WRITE_DELAY_MS,
  VIEW_WRITE_SPREAD_FACTOR,
  viewWriteDelay,
} from "./notification-coalescing.ts";

const policy = { windowMs: 1_000 };
const view = (note: string): PresenceView => ({ handle: "alice", status: "open", note });

/** Replays changes (and the flush timers they ask for) and returns what was sent, in order. */
function replay(changes: Array<{ at: number; note: string }>, start: CoalesceState = initialCoalesceState()) {
  let state = start;
  let flushAt: number | null = null;
  const sent: Array<{ at: number; note: string | undefined }> = [];
  const runFlush = (until: number) => {
    if (flushAt !== null && flushAt <= until) {
      const step = flush(state, flushAt);
      state = step.state;
      if (step.sendNow) sent.push({ at: flushAt, note: step.sendNow.note });
      flushAt = null;
    }
  };
  for (const change of changes) {
    runFlush(change.at);
    const step = coalesce(state, view(change.note), change.at, policy);
    state = step.state;
    if (step.sendNow) sent.push({ at: change.at, note: step.sendNow.note });
    if (step.flushAt !== undefined && flushAt === null) flushAt = step.flushAt;
  }
  runFlush(Number.POSITIVE_INFINITY);
  return sent;
}

describe("coalescing notifications", () => {
  it.each([
    { case: "one change goes out at once", changes: [{ at: 0, note: "a" }], sent: [{ at: 0, note: "a" }] },
    {
      case: "changes a window apart each go out at once",
      changes: [
        { at: 0, note: "a" },
        { at: 1_000, note: "b" },
      ],
      sent: [
        { at: 0, note: "a" },
        { at: 1_000, note: "b" },
      ],
    },
    {
      case: "a change within the window waits for its end",
      changes: [
        { at: 0, note: "a" },
        { at: 100, note: "b" },
      ],
      sent: [
        { at: 0, note: "a" },
        { at: 1_000, note: "b" },
      ],
    },
    {
      case: "a change back to what was sent sends nothing more",
      changes: [
        { at: 0, note: "a" },
        { at: 100, note: "b" },
        { at: 200, note: "a" },
      ],
      sent: [{ at: 0, note: "a" }],
    },
    {
      case: "an unchanged view is never sent",
      changes: [
        { at: 0, note: "a" },
        { at: 5_000, note: "a" },
      ],
      sent: [{ at: 0, note: "a" }],
    },
  ])("$case", ({ changes, sent }) => {
    expect(replay(changes)).toEqual(sent);
  });

  it("10 changes in one second: at most 2 notifications, the final state last, in order", () => {
    const changes = Array.from({ length: 10 }, (_, i) => ({ at: i * 100, note: `n${i}` }));
    const sent = replay(changes);
    expect(sent.length).toBeLessThanOrEqual(2);
    expect(sent.at(-1)?.note).toBe("n9");
    expect(sent.map((s) => s.at)).toEqual([...sent.map((s) => s.at)].sort((a, b) => a - b));
  });

  it("a steady stream sends one notification per window, never reordering", () => {
    const changes = Array.from({ length: 50 }, (_, i) => ({ at: i * 100, note: `n${i}` }));
    const sent = replay(changes);
    expect(sent.length).toBeLessThanOrEqual(6);
    expect(sent.at(-1)?.note).toBe("n49");
    const indexes = sent.map((s) => Number(s.note?.slice(1)));
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
  });

  it("flush with nothing held sends nothing", () => {
    expect(flush(initialCoalesceState(), 0).sendNow).toBeUndefined();
  });
});

describe("viewWriteDelay: when a subscriber's room writes the views that arrived", () => {
  it.each([
    { random: 0, delayMs: 5_000, expected: 5_000 },
    { random: 0.5, delayMs: 5_000, expected: 10_000 },
    { random: 0.999, delayMs: 5_000, expected: 14_990 },
    { random: 0.25, delayMs: 500, expected: 750 },
    { random: -1, delayMs: 5_000, expected: 5_000 }, // out of range: clamped
    { random: 2, delayMs: 5_000, expected: 15_000 },
  ])("random $random, delay $delayMs ms: $expected ms", ({ random, delayMs, expected }) => {
    expect(viewWriteDelay(random, delayMs)).toBe(expected);
  });

  it("spreads rooms notified together over the whole window, never before the delay", () => {
    const delays = Array.from({ length: 500 }, (_, i) => viewWriteDelay(i / 500));
    expect(Math.min(...delays)).toBe(VIEW_WRITE_DELAY_MS);
    expect(Math.max(...delays)).toBeLessThanOrEqual(VIEW_WRITE_DELAY_MS * (1 + VIEW_WRITE_SPREAD_FACTOR));
    // No 100 ms slot holds more than a few of the 500 writes.
    const perSlot = new Map<number, number>();
    for (const d of delays) perSlot.set(Math.floor(d / 100), (perSlot.get(Math.floor(d / 100)) ?? 0) + 1);
    expect(Math.max(...perSlot.values())).toBeLessThanOrEqual(5);
  });
});
