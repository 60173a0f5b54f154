import {
  type Bucket,
  type DeliveryDecision,
  decideDelivery,
  nextBefore,
  type RatePolicy,
  take,
} from "@pim/model";
import {
  type DeliveryRules,
  type HistoryPage,
  MESSAGE_LIMITS,
  type PresenceView,
  type RcDeliverReply,
  type StoredMessage,
} from "@pim/protocol";
import { ApiError } from "../http/api-error.ts";
import type { RoomClient } from "../rooms/room-client.ts";
import type { Conversations } from "./conversations.ts";

/** What the inbox asks the rest of the room: rules, blocklist, buddies, my presence. */
export type InboxContext = {
  rules(): DeliveryRules;
  isBlocked(handle: string): boolean;
  isBuddy(handle: string): boolean;
  /** My presence now, as it really is. */
  presence(): PresenceView;
  /** My presence as this person may see it (my access rules applied); null: not at all. */
  presenceSeenBy(handle: string): PresenceView | null;
};

export type InboxOutlets = {
  read(conversation: string, upToSeq: number, unread: number): void;
  deleted(conversation: string, seq: number): void;
  conversationDeleted(conversation: string): void;
  typing(from: string, typing: boolean): void;
};

/** Reading far back is done in steps of this many messages at most. */
const SCAN_MAX = 1000;

export type InboxRates = { sender: RatePolicy; inbox: RatePolicy };

/**
 * My INSTANT INBOX: messages other rooms hand me, accepted or refused by my DELIVERY RULES
 * (model `decideDelivery`) and rate limits, stored before they are acknowledged; my read
 * position (with read receipts when I allow them), deletions and history pages.
 */
export class Inbox {
  private readonly senderBuckets = new Map<string, Bucket>();
  private inboxBucket: Bucket | undefined;

  constructor(
    private readonly me: string,
    private readonly conversations: Conversations,
    private readonly context: InboxContext,
    private readonly rooms: RoomClient,
    private readonly outlets: InboxOutlets,
    private readonly rates: InboxRates,
    private readonly now: () => number,
  ) {}

  /**
   * Would a message from `sender` be accepted now (rate limits aside)? The answer may depend
   * on my status only as the sender may see it, or it would tell them what my rules hide.
   */
  decide(sender: string): DeliveryDecision {
    const presence = this.context.presence();
    return decideDelivery(this.context.rules(), {
      sender,
      blocked: this.context.isBlocked(sender),
      senderIsBuddy: this.context.isBuddy(sender),
      statusSeenBySender: this.context.presenceSeenBy(sender)?.status,
      ...(presence.availability ? { recipientAvailability: presence.availability } : {}),
    });
  }

  /** A message handed over by the sender's room (the sender is the verified caller). */
  async deliver(
    sender: string,
    message: { id: string; text: string; sentAt: number },
  ): Promise<RcDeliverReply> {
    const { store } = this.conversations;
    const knownSeq = await store.seqOf(sender, message.id, "received");
    if (knownSeq !== undefined) {
      // Already in my inbox: a resend after a lost acknowledgement. Same answer, no copy.
      const known = await store.message(sender, knownSeq);
      return { accepted: true, silent: known?.silent ?? false };
    }
    const decision = this.decide(sender);
    if (!decision.accepted) return decision;
    const limited = this.limit(sender);
    if (limited) return limited;
    await this.conversations.append(
      sender,
      (seq): StoredMessage => ({
        id: message.id,
        conversation: sender,
        from: sender,
        to: this.me,
        text: message.text,
        sentAt: Math.min(message.sentAt, this.now()),
        seq,
        state: "delivered",
        ...(decision.silent ? { silent: true } : {}),
      }),
      "received",
    );
    return { accepted: true, silent: decision.silent };
  }

  /** I read a conversation up to a message: unread clears on every tab; the sender may learn it. */
  async read(conversation: string, upToSeq: number): Promise<void> {
    const meta = this.conversations.meta(conversation);
    const upTo = Math.min(upToSeq, meta.lastSeq);
    if (upTo <= meta.readUpTo) return;
    const newlyRead = (
      await this.conversations.store.after(
        conversation,
        meta.readUpTo,
        Math.min(upTo - meta.readUpTo, SCAN_MAX),
      )
    ).filter((m) => m.seq <= upTo && m.from === conversation);
    const stillUnread =
      upTo >= meta.lastSeq
        ? 0
        : (
            await this.conversations.store.after(conversation, upTo, Math.min(meta.lastSeq - upTo, SCAN_MAX))
          ).filter((m) => m.from === conversation).length;
    await this.conversations.setMeta({ ...meta, readUpTo: upTo, unread: stillUnread });
    this.outlets.read(conversation, upTo, stillUnread);
    if (this.context.rules().readReceipts && newlyRead.length > 0) {
      const ids = newlyRead.map((m) => m.id);
      for (let i = 0; i < ids.length; i += MESSAGE_LIMITS.maxReceiptIds) {
        void this.rooms
          .call(conversation, "/rc/receipt", { ids: ids.slice(i, i + MESSAGE_LIMITS.maxReceiptIds) })
          .catch((error) => console.error(`read receipt to ${conversation} failed`, error));
      }
    }
  }

  async history(conversation: string, before: number | undefined, limit: number): Promise<HistoryPage> {
    const messages = await this.conversations.store.page(conversation, before, limit);
    const next = nextBefore(messages, limit);
    return { messages, ...(next !== undefined ? { before: next } : {}) };
  }

  /** Deletes my copy of one message (sent or received). */
  async deleteMessage(conversation: string, seq: number): Promise<void> {
    const message = await this.conversations.store.message(conversation, seq);
    if (!message) throw new ApiError(404, "not_found", "There is no such message.");
    const meta = this.conversations.meta(conversation);
    const wasUnread = message.from === conversation && seq > meta.readUpTo;
    let last = meta.last;
    if (last?.seq === seq) {
      const [previous] = await this.conversations.store.page(conversation, seq, 1);
      last = previous;
    }
    const { last: _old, ...rest } = meta;
    const next = { ...rest, unread: meta.unread - (wasUnread ? 1 : 0), ...(last ? { last } : {}) };
    await this.conversations.store.deleteMessage(message, next);
    await this.conversations.setMeta(next);
    this.outlets.deleted(conversation, seq);
  }

  async deleteConversation(conversation: string): Promise<void> {
    if (!this.conversations.has(conversation))
      throw new ApiError(404, "not_found", "There is no such conversation.");
    this.conversations.forget(conversation);
    await this.conversations.store.deleteConversation(conversation);
    this.outlets.conversationDeleted(conversation);
  }

  /** Typing notices are ephemeral, and never shown from someone my rules would refuse. */
  typing(from: string, typing: boolean): void {
    if (this.decide(from).accepted) this.outlets.typing(from, typing);
  }

  /** SPAM control: per sender, and for the whole inbox. */
  private limit(sender: string): RcDeliverReply | null {
    const now = this.now();
    const perSender = take(this.senderBuckets.get(sender), now, this.rates.sender);
    if (!perSender.ok) return tooFast(perSender.retryAfterMs);
    const perInbox = take(this.inboxBucket, now, this.rates.inbox);
    if (!perInbox.ok) return tooFast(perInbox.retryAfterMs);
    this.senderBuckets.set(sender, perSender.bucket);
    this.inboxBucket = perInbox.bucket;
    return null;
  }
}

function tooFast(retryAfterMs: number): RcDeliverReply {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return {
    accepted: false,
    reason: "rate_limited",
    message: `Not delivered: you are sending too fast. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`,
    retryAfter: seconds,
  };
}
