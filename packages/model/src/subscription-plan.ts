import type { AccessAction, SubscriptionState } from "@pim/protocol";
import { admitSubscription, type SubscriberCounts, type SubscriberLimits } from "./subscriber-limits.ts";

/** A subscription that is not ended, with the state the rules (and my answer) now give it. */
export type LiveSubscription = {
  handle: string;
  state: Exclude<SubscriptionState, "ended">;
  requestedAt: number;
  /** What the access rules and my answer decide for this watcher now. */
  decided: SubscriptionState;
};

/** One subscription's move in a plan; `to === from` when it stays (an active one is sent its view again). */
export type PlannedMove = { handle: string; from: LiveSubscription["state"]; to: SubscriptionState };

/**
 * After a rule, the blocklist or an answer changed: where each affected subscription goes. What
 * takes access away goes first, so the places it frees can be given in the same pass; seeing
 * more happens only while there is room (a watcher the rules now let in while every place is
 * taken keeps waiting). Seeing less always happens at once.
 */
export function planReevaluation(
  affected: ReadonlyArray<LiveSubscription>,
  counts: SubscriberCounts,
  limits: SubscriberLimits,
): PlannedMove[] {
  const running = { ...counts };
  const ordered = [...affected].sort(
    (a, b) => Number(a.decided === "active") - Number(b.decided === "active"),
  );
  return ordered.map((subscription) => {
    const { handle, state, decided } = subscription;
    const full = decided === "active" && admitSubscription(running, limits, state, decided).kind === "full";
    const to = full ? state : decided;
    if (to !== state) {
      running[state]--;
      if (to !== "ended") running[to]++;
    }
    return { handle, from: state, to };
  });
}

/**
 * An active place came free: who takes it. The longest-waiting subscription the rules now let
 * in; none when nobody waits for one.
 */
export function nextForFreedPlace(subscriptions: ReadonlyArray<LiveSubscription>): string | undefined {
  let next: LiveSubscription | undefined;
  for (const s of subscriptions) {
    if (s.state === "active" || s.decided !== "active") continue;
    if (!next || s.requestedAt < next.requestedAt) next = s;
  }
  return next?.handle;
}

/**
 * When a polite block began, as it should be kept: held from the moment it began for as long as
 * it lasts (the watcher is shown me as signed out since then), forgotten when it ends.
 * `signedOutSince` is when watchers last saw me OPEN (now, if I am open).
 */
export function politeSince(
  action: AccessAction,
  kept: number | null | undefined,
  signedOutSince: number | undefined,
): number | undefined {
  if (action !== "polite-block") return undefined;
  return kept ?? signedOutSince;
}
