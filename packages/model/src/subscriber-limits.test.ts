import type { SubscriptionState } from "@pim/protocol";
import { describe, expect, it } from "vitest";
import { admitSubscription, countSubscriptions } from "./subscriber-limits.ts";

const limits = { active: 3, waiting: 2, refused: 2 };
const room = { active: 1, pending: 1, refused: 1 };
const full = { active: 3, pending: 2, refused: 2 };

describe("admitSubscription", () => {
  it.each([
    { case: "a new active one with room", counts: room, previous: undefined, next: "active", kind: "keep" },
    { case: "a new pending one with room", counts: room, previous: undefined, next: "pending", kind: "keep" },
    { case: "a new refused one with room", counts: room, previous: undefined, next: "refused", kind: "keep" },
    {
      case: "active places full",
      counts: full,
      previous: undefined,
      next: "active",
      kind: "full",
      which: "active",
    },
    {
      case: "waiting places full",
      counts: full,
      previous: undefined,
      next: "pending",
      kind: "full",
      which: "waiting",
    },
    {
      case: "refused records full: only answered",
      counts: full,
      previous: undefined,
      next: "refused",
      kind: "answer-only",
    },
    {
      case: "an ended one asking again is new",
      counts: full,
      previous: "ended",
      next: "pending",
      kind: "full",
    },
    { case: "staying active never fills", counts: full, previous: "active", next: "active", kind: "keep" },
    { case: "staying pending never fills", counts: full, previous: "pending", next: "pending", kind: "keep" },
    {
      case: "approving when active is full",
      counts: full,
      previous: "pending",
      next: "active",
      kind: "full",
      which: "active",
    },
    { case: "approving with room", counts: room, previous: "pending", next: "active", kind: "keep" },
    { case: "ending always fits", counts: full, previous: "active", next: "ended", kind: "keep" },
    // Strangers asking fill only the waiting places: someone let in by a rule still gets in.
    {
      case: "waiting full, active has room",
      counts: { active: 1, pending: 2, refused: 0 },
      previous: undefined,
      next: "active",
      kind: "keep",
    },
  ] as const)("$case: $kind", ({ counts, previous, next, kind, ...rest }) => {
    const which = "which" in rest ? rest.which : undefined;
    const admission = admitSubscription(counts, limits, previous, next);
    expect(admission.kind).toBe(kind);
    if (which) expect(admission).toEqual({ kind, which });
  });
});

describe("countSubscriptions", () => {
  it("counts each state and leaves ended ones out", () => {
    const states: SubscriptionState[] = ["active", "ended", "pending", "active", "refused", "ended"];
    expect(countSubscriptions(states)).toEqual({ active: 2, pending: 1, refused: 1 });
  });
});
