import { type Bucket, messageKey } from "@pim/model";
import { MESSAGE_LIMITS, type StoredMessage, utf8Length } from "@pim/protocol";
import type { ConversationMeta, ConversationStore } from "../store/conversation-store.ts";

/**
 * A principal's conversations, sent and received messages together in one order per
 * conversation. The metas live in memory (one small value per conversation) so each new
 * message gets its place synchronously, in the order messages arrive, before any await.
 * It is the one owner of conversation state: the inbox and the sender read and change
 * messages and metas through it, never through the store.
 */
export class Conversations {
  private metas = new Map<string, ConversationMeta>();
  /** Delivered messages shown and acknowledged, their final state not yet written (by key). */
  private readonly unwritten = new Map<string, StoredMessage>();
  private writeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly store: ConversationStore,
    private readonly outlets: { changed(message: StoredMessage): void },
    private readonly outcomeWriteDelayMs = OUTCOME_WRITE_DELAY_MS,
  ) {}

  async load(): Promise<void> {
    this.metas = await this.store.conversations();
    for (const [peer, meta] of this.metas) {
      if (meta.last) this.metas.set(peer, { ...meta, last: preview(meta.last) }); // kept whole before
    }
  }

  has(peer: string): boolean {
    return this.metas.has(peer);
  }

  /** The meta of a conversation that exists, or undefined. */
  metaIfAny(peer: string): ConversationMeta | undefined {
    return this.metas.get(peer);
  }

  meta(peer: string): ConversationMeta {
    return this.metas.get(peer) ?? { with: peer, lastSeq: 0, readUpTo: 0, unread: 0 };
  }

  all(): ConversationMeta[] {
    return [...this.metas.values()].sort((a, b) => (b.last?.sentAt ?? 0) - (a.last?.sentAt ?? 0));
  }

  /** Takes the next place in a conversation and stores the message there, with its meta. */
  async append(
    peer: string,
    build: (seq: number) => StoredMessage,
    direction: "sent" | "received",
    senderAllowance?: Bucket,
  ): Promise<StoredMessage> {
    const message = this.reserve(peer, build, direction, senderAllowance);
    await this.store.putMessage(message, this.meta(peer), direction);
    this.outlets.changed(message);
    return message;
  }

  /**
   * Takes the next place in a conversation for a message being sent and stores it as "sending",
   * marked unfinished, before it is handed over: a crash before its answer is stored leaves it
   * for `Sender.resume` to hand over again. `show: false` keeps it off my tabs until it is
   * committed (a first message, which is dropped if no one has that handle).
   */
  async stage(peer: string, build: (seq: number) => StoredMessage, show = true): Promise<StoredMessage> {
    const message = this.reserve(peer, build, "sent");
    if (show) this.outlets.changed(message);
    await this.store.stageMessage(message, this.meta(peer));
    return message;
  }

  /** Stores a staged message in its final state and ends its staging. */
  async commit(message: StoredMessage): Promise<void> {
    const current = this.settle(message);
    await this.store.updateMessage(message, current, true);
    this.outlets.changed(message);
  }

  /**
   * Ends a staged message that was delivered: shown on my tabs at once and written with the
   * others of the next `outcomeWriteDelayMs` in one batch (decision 14, amended), off the path
   * of every message. Until then reads here see the final state. A crash before the batch leaves
   * the message staged: `Sender.resume` hands it over again and the recipient's room recognizes
   * the id, so the outcome is the same and nothing acknowledged is lost or doubled.
   */
  commitSoon(message: StoredMessage): void {
    this.settle(message);
    this.unwritten.set(messageKey(message.conversation, message.seq), message);
    this.outlets.changed(message);
    this.writeTimer ??= setTimeout(() => void this.writeUnwritten(), this.outcomeWriteDelayMs);
  }

  /** Writes every outcome waiting for the batch, in one write. */
  private async writeUnwritten(): Promise<void> {
    if (this.writeTimer !== undefined) clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    const batch = [...this.unwritten.values()];
    this.unwritten.clear();
    if (batch.length === 0) return;
    const metas = [...new Set(batch.map((m) => m.conversation))].flatMap(
      (peer) => this.metas.get(peer) ?? [],
    );
    await this.store
      .finishMessages(batch, metas)
      .catch((error) => console.error("writing message outcomes failed (they stay staged)", error));
  }

  /** The meta after a staged message got its answer, kept in memory. */
  private settle(message: StoredMessage): ConversationMeta {
    const meta = this.metas.get(message.conversation) ?? this.meta(message.conversation);
    // Deleted while this message was on its way: the conversation starts again from it, and
    // numbering goes on after it, so no later message takes its place.
    const isLast = meta.last?.seq === message.seq || meta.lastSeq < message.seq;
    const current = isLast
      ? { ...meta, lastSeq: Math.max(meta.lastSeq, message.seq), last: preview(message) }
      : meta;
    this.metas.set(message.conversation, current);
    return current;
  }

  /**
   * Drops a new conversation whose first message could not be handed over (no such handle): it
   * was never shown. Kept if anything else arrived in it meanwhile.
   */
  async discard(message: StoredMessage): Promise<boolean> {
    if (this.meta(message.conversation).lastSeq !== message.seq) return false;
    this.metas.delete(message.conversation);
    await this.store.deleteConversation(message.conversation);
    return true;
  }

  private reserve(
    peer: string,
    build: (seq: number) => StoredMessage,
    direction: "sent" | "received",
    senderAllowance?: Bucket,
  ): StoredMessage {
    const before = this.meta(peer);
    const message = build(before.lastSeq + 1);
    const received = direction === "received";
    this.metas.set(peer, {
      ...before,
      ...(senderAllowance ? { senderAllowance } : {}),
      lastSeq: message.seq,
      last: preview(message),
      unread: before.unread + (received ? 1 : 0),
      unreadBytes: (before.unreadBytes ?? 0) + (received ? utf8Length(message.text) : 0),
    });
    return message;
  }

  /**
   * A stored message changed (its state); the meta follows when it is the last one. `finished`:
   * a staged message got its answer.
   */
  async update(message: StoredMessage, finished = false): Promise<void> {
    // Written now, so not with the batch; it was staged, so this ends its staging.
    const wasUnwritten = this.unwritten.delete(messageKey(message.conversation, message.seq));
    const meta = this.metas.get(message.conversation);
    const isLast = meta?.last?.seq === message.seq;
    if (meta && isLast) this.metas.set(meta.with, { ...meta, last: preview(message) });
    await this.store.updateMessage(
      message,
      isLast ? this.metas.get(message.conversation) : undefined,
      finished || wasUnwritten,
    );
    this.outlets.changed(message);
  }

  /**
   * Changes a conversation's meta from its newest state (never from a copy read before an await,
   * which would undo a message that arrived meanwhile) and stores it. None to change: undefined.
   */
  async change(
    peer: string,
    update: (meta: ConversationMeta) => ConversationMeta,
  ): Promise<ConversationMeta | undefined> {
    const current = this.metas.get(peer);
    if (!current) return undefined;
    const next = update(current);
    this.metas.set(peer, next);
    await this.store.putMeta(next);
    return next;
  }

  /** One stored message, by its place. */
  async message(peer: string, seq: number): Promise<StoredMessage | undefined> {
    return this.unwritten.get(messageKey(peer, seq)) ?? this.store.message(peer, seq);
  }

  /** The place of a message I sent (by its id) or received (by the sender's id), if stored. */
  seqOf(peer: string, id: string, direction: "sent" | "received"): Promise<number | undefined> {
    return this.store.seqOf(peer, id, direction);
  }

  /** Up to `limit` messages before `before` (newest first), or the newest when absent. */
  async page(peer: string, before: number | undefined, limit: number): Promise<StoredMessage[]> {
    return this.withUnwritten(await this.store.page(peer, before, limit));
  }

  /** How a message I sent and then deleted had ended, when that was kept. */
  deletedOutcome(peer: string, id: string): Promise<{ state: string; reason?: string } | undefined> {
    return this.store.deletedOutcome(peer, id);
  }

  /** Messages this room staged for sending and never finished (it stopped in between). */
  unfinished(): ReturnType<ConversationStore["unfinished"]> {
    return this.store.unfinished();
  }

  /** A staged message that needs no more sending: it is finished. */
  endStaging(peer: string, seq: number): Promise<void> {
    return this.store.endStaging(peer, seq);
  }

  /** Up to `limit` messages after `seq`, oldest first. */
  async after(peer: string, seq: number, limit: number): Promise<StoredMessage[]> {
    return this.withUnwritten(await this.store.after(peer, seq, limit));
  }

  /** Stored messages, each in its final state when that is still waiting for the batch. */
  private withUnwritten(messages: StoredMessage[]): StoredMessage[] {
    if (this.unwritten.size === 0) return messages;
    return messages.map((m) => this.unwritten.get(messageKey(m.conversation, m.seq)) ?? m);
  }

  /**
   * Deletes my copy of one message, sent or received; the meta follows (unread, the last message
   * shown). Undefined when there is no such message.
   */
  async deleteMessage(peer: string, seq: number): Promise<StoredMessage | undefined> {
    const message = await this.message(peer, seq);
    if (!message) return undefined;
    if (this.unwritten.delete(messageKey(peer, seq))) await this.store.endStaging(peer, seq);
    const wasLast = this.meta(peer).last?.seq === seq;
    const [previous] = wasLast ? await this.store.page(peer, seq, 1) : [];
    await this.store.deleteMessage(message);
    await this.change(peer, (latest) => {
      const { last, ...rest } = latest;
      const unread = message.from === peer && seq > latest.readUpTo;
      const nextLast = last?.seq === seq ? previous && preview(previous) : last;
      return {
        ...rest,
        unread: latest.unread - (unread ? 1 : 0),
        unreadBytes: Math.max(0, (latest.unreadBytes ?? 0) - (unread ? utf8Length(message.text) : 0)),
        ...(nextLast ? { last: nextLast } : {}),
      };
    });
    return message;
  }

  /** Forgets a whole conversation, meta and messages; false when there was none. */
  async deleteConversation(peer: string): Promise<boolean> {
    if (!this.metas.delete(peer)) return false;
    for (const [key, message] of this.unwritten) {
      if (message.conversation === peer) this.unwritten.delete(key);
    }
    await this.store.deleteConversation(peer);
    return true;
  }

  /** Bytes of unread received messages, over the conversations with the peers chosen. */
  unreadBytes(of: (peer: string) => boolean): number {
    let total = 0;
    for (const meta of this.metas.values()) if (of(meta.with)) total += meta.unreadBytes ?? 0;
    return total;
  }
}

/**
 * How long a delivered message's final state waits to be written with others. Long enough that
 * a busy room writes several in one commit, short enough that a restart rarely resends any.
 */
export const OUTCOME_WRITE_DELAY_MS = 1_000;

/** A message as the conversation list keeps it: its text cut to a short preview. */
export function preview(message: StoredMessage): StoredMessage {
  const chars = [...message.text];
  if (chars.length <= MESSAGE_LIMITS.previewChars) return message;
  return { ...message, text: `${chars.slice(0, MESSAGE_LIMITS.previewChars).join("")}…` };
}
