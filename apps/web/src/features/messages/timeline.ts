/**
 * A conversation laid out for reading: a date line where the day changes, a "new messages" line
 * before the first one I had not read, and each message marked as the first of a run by one
 * sender (only that one shows the name) or a continuation.
 */
export type TimelineMessage = { id: string; from: string; sentAt: number; seq?: number };

export type TimelineItem<M extends TimelineMessage> =
  | { kind: "day"; key: string; label: string }
  | { kind: "unread"; key: string }
  | { kind: "message"; key: string; message: M; first: boolean };

/** Messages by one sender less than this far apart read as one run. */
const RUN_GAP_MS = 5 * 60_000;

export function layoutTimeline<M extends TimelineMessage>(
  messages: readonly M[],
  options: { me: string; readUpTo: number; dayLabel: (at: number) => string },
): TimelineItem<M>[] {
  const items: TimelineItem<M>[] = [];
  let previous: M | undefined;
  let day = "";
  let markedUnread = false;
  for (const message of messages) {
    const label = options.dayLabel(message.sentAt);
    const newDay = label !== day;
    if (newDay) {
      items.push({ kind: "day", key: `day:${message.sentAt}:${label}`, label });
      day = label;
    }
    const unread =
      !markedUnread &&
      message.from !== options.me &&
      message.seq !== undefined &&
      message.seq > options.readUpTo;
    if (unread) {
      items.push({ kind: "unread", key: "unread" });
      markedUnread = true;
    }
    const first =
      newDay ||
      unread ||
      !previous ||
      previous.from !== message.from ||
      message.sentAt - previous.sentAt > RUN_GAP_MS;
    items.push({ kind: "message", key: message.id, message, first });
    previous = message;
  }
  return items;
}

/** "Today", "Yesterday", or the date, in the reader's language. */
export function dayLabel(at: number, now: number): string {
  const date = new Date(at);
  const today = new Date(now);
  const startOf = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((startOf(today) - startOf(date)) / 86_400_000);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  return date.toLocaleDateString([], {
    weekday: days < 7 ? "long" : undefined,
    day: "numeric",
    month: "long",
    year: date.getFullYear() === today.getFullYear() ? undefined : "numeric",
  });
}
