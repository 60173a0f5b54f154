import { LIMITS, type SubscriptionState } from "@pim/protocol";

/**
 * How many SUBSCRIPTIONS of each kind one presentity keeps. Only active ones cost anything on
 * every change (fan-out), so they have the large cap; requests waiting for an answer have their
 * own small one, so that strangers asking can never use up the places of people let in; refused
 * ones are kept (so a later rule change can let them in) only up to a cap, then just answered.
 */
export type SubscriberLimits = { active: number; waiting: number; refused: number };

export const DEFAULT_SUBSCRIBER_LIMITS: SubscriberLimits = {
  active: LIMITS.maxSubscribers,
  waiting: LIMITS.maxWaitingRequests,
  refused: LIMITS.maxSubscribers,
};

export type SubscriberCounts = { active: number; pending: number; refused: number };

/** What the presentity's room does with a subscription that would now be in state `next`. */
export type Admission =
  | { kind: "keep" }
  /** Answered with its state but not recorded: the refused records are full. */
  | { kind: "answer-only" }
  /** Refused with an error: this kind of subscription is full. */
  | { kind: "full"; which: "active" | "waiting" };

/**
 * Admit a subscription moving from `previous` (undefined or "ended" when new) to `next`. Its own
 * place is not counted against it: staying in a state never fills it.
 */
export function admitSubscription(
  counts: SubscriberCounts,
  limits: SubscriberLimits,
  previous: SubscriptionState | undefined,
  next: SubscriptionState,
): Admission {
  if (previous === next || next === "ended") return { kind: "keep" };
  switch (next) {
    case "active":
      return counts.active >= limits.active ? { kind: "full", which: "active" } : { kind: "keep" };
    case "pending":
      return counts.pending >= limits.waiting ? { kind: "full", which: "waiting" } : { kind: "keep" };
    case "refused":
      return counts.refused >= limits.refused ? { kind: "answer-only" } : { kind: "keep" };
    default: {
      // A state added later must get its own limit; until then it is refused, not admitted.
      next satisfies never;
      return { kind: "full", which: "waiting" };
    }
  }
}

/** Counts of subscriptions by state; ended ones take no place. */
export function countSubscriptions(states: Iterable<SubscriptionState>): SubscriberCounts {
  const counts: SubscriberCounts = { active: 0, pending: 0, refused: 0 };
  for (const state of states) if (state !== "ended") counts[state]++;
  return counts;
}
