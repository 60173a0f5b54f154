import { describe, expect, it } from "vitest";
import type { SubscriberLimits } from "./subscriber-limits.ts";
import {
  type LiveSubscription,
  nextForFreedPlace,
  planReevaluation,
  politeSince,
} from "./subscription-plan.ts";

const limits: SubscriberLimits = { active: 2, waiting: 2, refused: 2 };
const live = (
  handle: string,
  state: LiveSubscription["state"],
  decided: LiveSubscription["decided"],
  requestedAt = 0,
): LiveSubscription => ({ handle, state, decided, requestedAt });

describe("planReevaluation: where each affected subscription goes", () => {
  it.each<{
    case: string;
    affected: LiveSubscription[];
    counts: { active: number; pending: number; refused: number };
    expected: [string, string, string][];
  }>([
    {
      case: "the rules let a waiting watcher in while there is room",
      affected: [live("ann", "pending", "active")],
      counts: { active: 1, pending: 1, refused: 0 },
      expected: [["ann", "pending", "active"]],
    },
    {
      case: "every place taken: the watcher the rules let in keeps waiting",
      affected: [live("ann", "pending", "active")],
      counts: { active: 2, pending: 1, refused: 0 },
      expected: [["ann", "pending", "pending"]],
    },
    {
      case: "seeing less happens at once, even when full",
      affected: [live("bob", "active", "refused")],
      counts: { active: 2, pending: 0, refused: 2 },
      expected: [["bob", "active", "refused"]],
    },
    {
      case: "access taken away first frees a place given in the same pass",
      affected: [live("ann", "pending", "active"), live("bob", "active", "refused")],
      counts: { active: 2, pending: 1, refused: 0 },
      expected: [
        ["bob", "active", "refused"],
        ["ann", "pending", "active"],
      ],
    },
    {
      case: "an active one that stays is planned to stay (its view is sent again)",
      affected: [live("cy", "active", "active")],
      counts: { active: 2, pending: 0, refused: 0 },
      expected: [["cy", "active", "active"]],
    },
    {
      case: "two let in, one place: the first in the list gets it",
      affected: [live("ann", "pending", "active"), live("dee", "pending", "active")],
      counts: { active: 1, pending: 2, refused: 0 },
      expected: [
        ["ann", "pending", "active"],
        ["dee", "pending", "pending"],
      ],
    },
    {
      case: "a refusal undone waits for an answer",
      affected: [live("eve", "refused", "pending")],
      counts: { active: 0, pending: 0, refused: 1 },
      expected: [["eve", "refused", "pending"]],
    },
  ])("$case", ({ affected, counts, expected }) => {
    expect(planReevaluation(affected, counts, limits).map((m) => [m.handle, m.from, m.to])).toEqual(expected);
  });

  it("never plans more active subscriptions than places", () => {
    const affected = Array.from({ length: 6 }, (_, i) => live(`w${i}`, "pending", "active"));
    const moves = planReevaluation(affected, { active: 0, pending: 6, refused: 0 }, limits);
    expect(moves.filter((m) => m.to === "active")).toHaveLength(2);
  });
});

describe("nextForFreedPlace", () => {
  it.each<{ case: string; subscriptions: LiveSubscription[]; expected: string | undefined }>([
    { case: "nobody waiting", subscriptions: [live("a", "active", "active")], expected: undefined },
    {
      case: "the longest-waiting one the rules let in",
      subscriptions: [live("late", "pending", "active", 20), live("early", "pending", "active", 10)],
      expected: "early",
    },
    {
      case: "not one the rules still keep waiting",
      subscriptions: [live("asks", "pending", "pending", 1), live("let", "pending", "active", 5)],
      expected: "let",
    },
    { case: "not a refused one", subscriptions: [live("no", "refused", "refused", 1)], expected: undefined },
  ])("$case", ({ subscriptions, expected }) => {
    expect(nextForFreedPlace(subscriptions)).toBe(expected);
  });
});

describe("politeSince", () => {
  it.each<{ case: string; args: Parameters<typeof politeSince>; expected: number | undefined }>([
    {
      case: "a block begins: since I was last seen open",
      args: ["polite-block", undefined, 100],
      expected: 100,
    },
    { case: "a block that holds keeps its start", args: ["polite-block", 50, 100], expected: 50 },
    { case: "a start stored as null is a new start", args: ["polite-block", null, 100], expected: 100 },
    { case: "the block ends: forgotten", args: ["allow", 50, 100], expected: undefined },
    { case: "never blocked", args: ["confirm", undefined, 100], expected: undefined },
    { case: "blocked for good is not a polite block", args: ["block", 50, 100], expected: undefined },
  ])("$case", ({ args, expected }) => {
    expect(politeSince(...args)).toBe(expected);
  });
});
