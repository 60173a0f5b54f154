/**
 * SPAM control by size: how many bytes of unread messages people outside my buddy list may
 * leave in my inbox, each sender and all of them together. Reading them frees the room again.
 */
export type InboxQuota = { perSenderBytes: number; strangersBytes: number };

/** Four of the largest messages from one stranger; about sixty-five from strangers together. */
export const INBOX_QUOTA: InboxQuota = { perSenderBytes: 64 * 1024, strangersBytes: 1024 * 1024 };

/** What the recipient's room knows when a message arrives. */
export type QuotaContext = {
  /** The sender is on the recipient's buddy list: no quota. */
  senderIsBuddy: boolean;
  /** Bytes of this sender's messages the recipient has not read. */
  senderUnreadBytes: number;
  /** Bytes of unread messages from everyone outside the buddy list together, this sender included. */
  strangersUnreadBytes: number;
  /** The new message's size in bytes. */
  messageBytes: number;
};

/** ok, or which quota is full: this sender's, or all strangers' together. */
export type QuotaDecision = { ok: true } | { ok: false; full: "sender" | "strangers" };

/** Would a stranger's message still fit? A count that is not a count (NaN, negative) does not fit. */
export function decideInboxQuota(quota: InboxQuota, context: QuotaContext): QuotaDecision {
  if (context.senderIsBuddy) return { ok: true };
  const fits = (used: number, limit: number) =>
    isCount(used) && isCount(context.messageBytes) && used + context.messageBytes <= limit;
  if (!fits(context.senderUnreadBytes, quota.perSenderBytes)) return { ok: false, full: "sender" };
  if (!fits(context.strangersUnreadBytes, quota.strangersBytes)) return { ok: false, full: "strangers" };
  return { ok: true };
}

function isCount(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}
