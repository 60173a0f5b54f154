import type { SubscriptionState } from "@pim/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  admitSubscription,
  countSubscriptions,
  type SubscriberCounts,
  type SubscriberLimits,
} from "./subscriber-limits.ts";

const RUNS = { numRuns: 400 };

const STATES: SubscriptionState[] = ["pending", "active", "refused", "ended"];
const stateArb = fc.constantFrom(...STATES);
const previousArb = fc.constantFrom<SubscriptionState | undefined>(...STATES, undefined);
const countArb = fc.nat({ max: 8 });
const countsArb: fc.Arbitrary<SubscriberCounts> = fc.record(
  { active: countArb, pending: countArb, refused: countArb },
  { noNullPrototype: true },
);
const limitsArb: fc.Arbitrary<SubscriberLimits> = fc.record(
  { active: countArb, waiting: countArb, refused: countArb },
  { noNullPrototype: true },
);

/** The count and the limit a subscription entering `next` takes a place under. */
function placeFor(
  next: "active" | "pending" | "refused",
  counts: SubscriberCounts,
  limits: SubscriberLimits,
): [number, number] {
  if (next === "active") return [counts.active, limits.active];
  if (next === "pending") return [counts.pending, limits.waiting];
  return [counts.refused, limits.refused];
}

describe("admitSubscription, for arbitrary counts, limits and moves", () => {
  it("answers keep, answer-only or full, and never lets a subscription into a full state", () => {
    fc.assert(
      fc.property(countsArb, limitsArb, previousArb, stateArb, (counts, limits, previous, next) => {
        const admission = admitSubscription(counts, limits, previous, next);
        expect(["keep", "answer-only", "full"]).toContain(admission.kind);
        // Staying where it is, or ending, takes no new place: always kept.
        if (previous === next || next === "ended") {
          expect(admission).toEqual({ kind: "keep" });
          return;
        }
        // Moving into a state takes one more place there: kept only while one is free.
        const [count, limit] = placeFor(next, counts, limits);
        const free = count < limit;
        if (next === "refused") {
          expect(admission).toEqual(free ? { kind: "keep" } : { kind: "answer-only" });
        } else {
          const which = next === "active" ? "active" : "waiting";
          expect(admission).toEqual(free ? { kind: "keep" } : { kind: "full", which });
        }
      }),
      RUNS,
    );
  });

  it("a room that follows its answers never holds more than the limits, whatever is asked of it", () => {
    const movesArb = fc.array(fc.tuple(fc.nat({ max: 11 }), stateArb), { maxLength: 60 });
    fc.assert(
      fc.property(limitsArb, movesArb, (limits, moves) => {
        const states: (SubscriptionState | undefined)[] = Array.from({ length: 12 }, () => undefined);
        for (const [who, next] of moves) {
          const previous = states[who];
          const present = states.filter((s): s is SubscriptionState => s !== undefined);
          const admission = admitSubscription(countSubscriptions(present), limits, previous, next);
          // keep: recorded in its new state; answer-only: answered, not recorded; full: refused, unchanged.
          if (admission.kind === "keep") states[who] = next;
          else if (admission.kind === "answer-only") states[who] = undefined;
          const counts = countSubscriptions(states.filter((s): s is SubscriptionState => s !== undefined));
          expect(counts.active).toBeLessThanOrEqual(limits.active);
          expect(counts.pending).toBeLessThanOrEqual(limits.waiting);
          expect(counts.refused).toBeLessThanOrEqual(limits.refused);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("countSubscriptions", () => {
  it("counts every state but ended, one by one", () => {
    fc.assert(
      fc.property(fc.array(stateArb, { maxLength: 30 }), (states) => {
        const expected = { active: 0, pending: 0, refused: 0 };
        for (const s of states) {
          if (s === "active") expected.active += 1;
          if (s === "pending") expected.pending += 1;
          if (s === "refused") expected.refused += 1;
        }
        expect(countSubscriptions(states)).toEqual(expected);
      }),
      RUNS,
    );
  });
});
