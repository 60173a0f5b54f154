import type { PresenceView } from "@pim/protocol";
import { viewsEqual } from "./presence-aggregate.ts";

/** How NOTIFICATIONS to one subscriber are paced. */
export type CoalescePolicy = {
  /** After a notification, further changes wait this long and only the latest goes out. */
  windowMs: number;
};

export const DEFAULT_COALESCE_POLICY: CoalescePolicy = { windowMs: 1_000 };

/**
 * A subscriber's room writes a buddy's new view (presence alone, not a subscription change) this
 * long after it arrives, together with any others: presence is refreshed from each buddy's room
 * whenever the subscriber comes back, so a view lost in a crash costs nothing, while a disk write
 * per notification would make every change wait on hundreds of subscribers' disks.
 */
export const VIEW_WRITE_DELAY_MS = 5_000;

/** Views written late are spread over this many times the delay, after it. */
export const VIEW_WRITE_SPREAD_FACTOR = 2;

/**
 * When a subscriber's room writes the views that arrived: the delay, plus a random share of
 * `VIEW_WRITE_SPREAD_FACTOR` times it. One presence change notifies hundreds of subscriber rooms
 * within milliseconds; with one fixed delay they all commit in the same instant on the
 * runtime's thread, and a change landing then waits behind every one of those commits (the
 * fan-out tail, issue #15). `random` is in [0, 1).
 */
export function viewWriteDelay(random: number, delayMs: number = VIEW_WRITE_DELAY_MS): number {
  const share = Math.min(Math.max(random, 0), 1);
  return Math.round(delayMs + share * delayMs * VIEW_WRITE_SPREAD_FACTOR);
}

/** Per subscriber: what was last sent, when, and the latest view held back, if any. */
export type CoalesceState = {
  lastSent: PresenceView | null;
  lastSentAt: number | null;
  pending: PresenceView | null;
};

export type CoalesceStep = {
  state: CoalesceState;
  /** Send this view now. */
  sendNow?: PresenceView;
  /** Call `flush` at this time (a view is held back). */
  flushAt?: number;
};

export function initialCoalesceState(): CoalesceState {
  return { lastSent: null, lastSentAt: null, pending: null };
}

/**
 * One new view for a subscriber. The first change after a quiet window goes out at once; changes
 * within the window are held, each replacing the last, and `flush` sends the latest at the
 * window's end. A view equal to the one last sent is never sent. So the latest state always
 * arrives last, nothing is reordered, and a burst costs at most two notifications per window.
 */
export function coalesce(
  state: CoalesceState,
  view: PresenceView,
  now: number,
  policy: CoalescePolicy,
): CoalesceStep {
  const windowEnd = state.lastSentAt === null ? null : state.lastSentAt + policy.windowMs;
  if (windowEnd !== null && now < windowEnd) {
    const pending = state.lastSent && viewsEqual(view, state.lastSent) ? null : view;
    return { state: { ...state, pending }, flushAt: windowEnd };
  }
  if (state.lastSent && viewsEqual(view, state.lastSent)) return { state: { ...state, pending: null } };
  return { state: { lastSent: view, lastSentAt: now, pending: null }, sendNow: view };
}

/** The window ended: send the view held back, if it still differs from the last one sent. */
export function flush(state: CoalesceState, now: number): CoalesceStep {
  if (!state.pending || (state.lastSent && viewsEqual(state.pending, state.lastSent))) {
    return { state: { ...state, pending: null } };
  }
  return { state: { lastSent: state.pending, lastSentAt: now, pending: null }, sendNow: state.pending };
}
