import {
  type Bucket,
  type DeliveryDecision,
  decideDelivery,
  decideInboxQuota,
  type InboxQuota,
  nextBefore,
  type RatePolicy,
  take,
} from "@pim/model";
import {
  type DeliveryRules,
  type HistoryPage,
  type PresenceView,
  type RcDeliverReply,
  type StoredMessage,
  utf8Length,
} from "@pim/protocol";
import { Refusal, secondsInWords } from "../refusal.ts";
import type { RoomClient } from "../rooms/room-client.ts";
import { ActivitySignals, receiptsSentUpTo } from "./activity-signals.ts";
import { type Conversations, preview } from "./conversations.ts";

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

/** Rates per sender and for the whole inbox; the unread quota of people outside my buddy list. */
export type InboxLimits = { sender: RatePolicy; inbox: RatePolicy; quota: InboxQuota };

/**
 * My INSTANT INBOX: messages other rooms hand me, accepted or refused by my DELIVERY RULES
 * (model `decideDelivery`) and rate limits, stored before they are acknowledged; my read
 * position (with read receipts when I allow them), deletions and history pages.
 */
export class Inbox {
  private readonly senderBuckets = new Map<string, Bucket>();
  private inboxBucket: Bucket | undefined;
  private readonly signals: ActivitySignals;

  constructor(
    private readonly me: string,
    private readonly conversations: Conversations,
    private readonly context: InboxContext,
    rooms: RoomClient,
    private readonly outlets: InboxOutlets,
    private readonly limits: InboxLimits,
    private readonly now: () => number,
  ) {
    this.signals = new ActivitySignals(me, conversations, context, rooms);
  }

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
    const knownSeq = await this.conversations.seqOf(sender, message.id, "received");
    if (knownSeq !== undefined) {
      // Already in my inbox: a resend after a lost acknowledgement. Same answer, no copy.
      const known = await this.conversations.message(sender, knownSeq);
      return { accepted: true, silent: known?.silent ?? false };
    }
    const decision = this.decide(sender);
    if (!decision.accepted) return decision;
    const full = this.quota(sender, utf8Length(message.text));
    if (full) return full;
    const limited = this.limit(sender);
    if (limited) return limited;
    const senderAllowance = this.senderBuckets.get(sender);
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
      senderAllowance,
    );
    return { accepted: true, silent: decision.silent };
  }

  /**
   * I read a conversation up to a message: unread clears on every tab; the sender learns it when
   * my rules give receipts, and only once they may see me OPEN (held until then).
   */
  async read(conversation: string, upToSeq: number): Promise<void> {
    const meta = this.conversations.meta(conversation);
    const upTo = Math.min(upToSeq, meta.lastSeq);
    if (upTo <= meta.readUpTo) return;
    const stillUnread =
      upTo >= meta.lastSeq
        ? []
        : (
            await this.conversations.after(conversation, upTo, Math.min(meta.lastSeq - upTo, SCAN_MAX))
          ).filter((m) => m.from === conversation);
    const stillUnreadBytes = stillUnread.reduce((sum, m) => sum + utf8Length(m.text), 0);
    const next = await this.conversations.change(conversation, (latest) =>
      latest.readUpTo >= upTo
        ? latest // a later read got here first
        : {
            ...latest,
            readUpTo: upTo,
            receiptsUpTo: receiptsSentUpTo(latest),
            // Messages that arrived while the rest were counted are unread too.
            unread: stillUnread.length + Math.max(0, latest.unread - meta.unread),
            unreadBytes: stillUnreadBytes + Math.max(0, (latest.unreadBytes ?? 0) - (meta.unreadBytes ?? 0)),
          },
    );
    if (!next) return;
    this.outlets.read(conversation, next.readUpTo, next.unread);
    await this.signals.receiptsFor(conversation);
  }

  /** My presence or rules changed: receipts held for peers who may now see me OPEN go out. */
  releaseHeldReceipts(): Promise<void> {
    return this.signals.releaseHeld();
  }

  /** I am typing to someone (or stopped): they are told only if they may see me OPEN now. */
  typingTo(to: string, typing: boolean): void {
    this.signals.typing(to, typing);
  }

  async history(conversation: string, before: number | undefined, limit: number): Promise<HistoryPage> {
    const messages = await this.conversations.page(conversation, before, limit);
    const next = nextBefore(messages, limit);
    return { messages, ...(next !== undefined ? { before: next } : {}) };
  }

  /** Deletes my copy of one message (sent or received). */
  async deleteMessage(conversation: string, seq: number): Promise<void> {
    if (!(await this.conversations.deleteMessage(conversation, seq))) {
      throw new Refusal("not_found", "There is no such message.");
    }
    this.outlets.deleted(conversation, seq);
  }

  async deleteConversation(conversation: string): Promise<void> {
    if (!(await this.conversations.deleteConversation(conversation))) {
      throw new Refusal("not_found", "There is no such conversation.");
    }
    this.outlets.conversationDeleted(conversation);
  }

  /** Typing notices to me are ephemeral, and never shown from someone my rules would refuse. */
  typing(from: string, typing: boolean): void {
    if (this.decide(from).accepted) this.outlets.typing(from, typing);
  }

  /**
   * SPAM control by size: what people outside my buddy list leave unread (model
   * `decideInboxQuota`). Reading their messages frees it.
   */
  private quota(sender: string, messageBytes: number): RcDeliverReply | null {
    const isBuddy = (peer: string) => this.context.isBuddy(peer);
    const decision = decideInboxQuota(this.limits.quota, {
      senderIsBuddy: isBuddy(sender),
      senderUnreadBytes: this.conversations.has(sender)
        ? (this.conversations.meta(sender).unreadBytes ?? 0)
        : 0,
      strangersUnreadBytes: this.conversations.unreadBytes((peer) => !isBuddy(peer)),
      messageBytes,
    });
    if (decision.ok) return null;
    return {
      accepted: false,
      reason: "inbox_full",
      message:
        decision.full === "sender"
          ? `Not delivered: ${this.me} has too many unread messages from you. Try again after they read them.`
          : `Not delivered: ${this.me} has too many unread messages from people not on their buddy list. Try again later.`,
    };
  }

  /** SPAM control: per sender, and for the whole inbox. */
  private limit(sender: string): RcDeliverReply | null {
    const now = this.now();
    const held = this.senderBuckets.get(sender) ?? this.conversations.metaIfAny(sender)?.senderAllowance;
    const perSender = take(held, now, this.limits.sender);
    if (!perSender.ok) return tooFast(perSender.retryAfterMs);
    const perInbox = take(this.inboxBucket, now, this.limits.inbox);
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
    message: `Not delivered: you are sending too fast. Try again in ${secondsInWords(seconds)}.`,
    retryAfter: seconds,
  };
}
