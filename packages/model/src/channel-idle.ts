/**
 * A room-to-room NOTIFICATION channel (a socket from a presentity's room to a subscriber's room)
 * unused this long is closed; the next notification opens a new one. An open channel keeps both
 * rooms in memory (its sockets cannot hibernate) and costs the runtime a socket on each side, so
 * a channel lives only while notifications come close together (bursts of changes, fan-out).
 */
export const CHANNEL_IDLE_MS = 30_000;

/** What a channel's idle check found: close it now, or look again this much later. */
export type ChannelIdleCheck = { close: true } | { close: false; checkAgainInMs: number };

/**
 * Whether a channel last used at `lastUsedAt` is idle at `now`. A channel with replies still
 * awaited is never idle (each is answered or handed to HTTP within its own wait); a check that
 * comes early is told to look again when the idle time would be up.
 */
export function channelIdle(
  lastUsedAt: number,
  now: number,
  awaitingReplies: number,
  idleMs: number = CHANNEL_IDLE_MS,
): ChannelIdleCheck {
  if (awaitingReplies > 0) return { close: false, checkAgainInMs: idleMs };
  const idleFor = now - lastUsedAt;
  if (idleFor >= idleMs) return { close: true };
  return { close: false, checkAgainInMs: Math.max(1, idleMs - Math.max(0, idleFor)) };
}
