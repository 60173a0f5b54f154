import { conversationPrefix, messageKey, pageRange } from "@pim/model";
import type { StoredMessage } from "@pim/protocol";
import type * as Party from "partykit/server";

/** One conversation's bookkeeping: its order counter, my read position, the last message. */
export type ConversationMeta = {
  with: string;
  /** The seq of the newest message (sent or received); messages are numbered from 1. */
  lastSeq: number;
  /** I have read every received message up to this seq. */
  readUpTo: number;
  /** Received messages after readUpTo. */
  unread: number;
  /** The bytes of their text (for the quota of people outside my buddy list). Absent: 0. */
  unreadBytes?: number;
  /**
   * Read receipts went to the peer for received messages up to this seq; those after it, up to
   * readUpTo, are held until the peer may see me OPEN. Absent (older metas): up to readUpTo.
   */
  receiptsUpTo?: number;
  /** The newest message, its text cut to a short preview (the list needs no more). */
  last?: StoredMessage;
};

const CONVERSATION = "conv:";
/** My sent messages by their client-chosen id, per recipient: for resends. */
const SENT_ID = "sid:";
/** Received messages by the sender's id, per sender: for deduplication. */
const RECEIVED_ID = "rid:";

/**
 * Conversations in room storage: one small meta value each, every message under its own key
 * (`msg:<peer>:<seq>`, so history pages by key range, never one value for a whole inbox), and
 * an id index so a resent message is found, not stored twice.
 */
export class ConversationStore {
  constructor(private readonly storage: Party.Storage) {}

  async conversations(): Promise<Map<string, ConversationMeta>> {
    const stored = await this.storage.list<ConversationMeta>({ prefix: CONVERSATION });
    return new Map([...stored.values()].map((meta) => [meta.with, meta]));
  }

  /** A message and its conversation's meta in one write: both are there, or neither. */
  async putMessage(
    message: StoredMessage,
    meta: ConversationMeta,
    direction: "sent" | "received",
  ): Promise<void> {
    const idKey = (direction === "sent" ? SENT_ID : RECEIVED_ID) + `${message.conversation}:${message.id}`;
    await this.storage.put<unknown>({
      [messageKey(message.conversation, message.seq)]: message,
      [idKey]: message.seq,
      [CONVERSATION + meta.with]: meta,
    });
  }

  /** Updates a stored message (its state), keeping its place. */
  async updateMessage(message: StoredMessage, meta?: ConversationMeta): Promise<void> {
    await this.storage.put<unknown>({
      [messageKey(message.conversation, message.seq)]: message,
      ...(meta ? { [CONVERSATION + meta.with]: meta } : {}),
    });
  }

  putMeta(meta: ConversationMeta): Promise<void> {
    return this.storage.put(CONVERSATION + meta.with, meta);
  }

  message(conversation: string, seq: number): Promise<StoredMessage | undefined> {
    return this.storage.get<StoredMessage>(messageKey(conversation, seq));
  }

  /** The seq of a message I sent (by its id), or of one I received (by the sender's id). */
  seqOf(conversation: string, id: string, direction: "sent" | "received"): Promise<number | undefined> {
    return this.storage.get<number>((direction === "sent" ? SENT_ID : RECEIVED_ID) + `${conversation}:${id}`);
  }

  /** A page of history, newest first, strictly before `before` (a seq) when given. */
  async page(conversation: string, before: number | undefined, limit: number): Promise<StoredMessage[]> {
    const range = pageRange(conversation, before, limit);
    const listed = await this.storage.list<StoredMessage>({
      prefix: range.prefix,
      ...(range.start !== undefined ? { start: range.start } : {}),
      ...(range.end !== undefined ? { end: range.end } : {}),
      reverse: true,
      limit,
    });
    return [...listed.values()];
  }

  /** Messages after a seq, oldest first (bounded): for read receipts and unread counts. */
  async after(conversation: string, seq: number, limit: number): Promise<StoredMessage[]> {
    const listed = await this.storage.list<StoredMessage>({
      prefix: conversationPrefix(conversation),
      start: messageKey(conversation, seq + 1),
      limit,
    });
    return [...listed.values()];
  }

  /**
   * Deletes my copy of a message (its meta is stored apart). Its id stays known, so a late resend
   * of it is recognized as a duplicate and does not bring it back.
   */
  async deleteMessage(message: StoredMessage): Promise<void> {
    await this.storage.delete(messageKey(message.conversation, message.seq));
  }

  /** Deletes a whole conversation, page by page (storage deletes at most 128 keys at once). */
  async deleteConversation(conversation: string): Promise<void> {
    for (const prefix of [
      conversationPrefix(conversation),
      `${SENT_ID}${conversation}:`,
      `${RECEIVED_ID}${conversation}:`,
    ]) {
      for (;;) {
        const keys = [...(await this.storage.list({ prefix, limit: 128 })).keys()];
        if (keys.length === 0) break;
        await this.storage.delete(keys);
      }
    }
    await this.storage.delete(CONVERSATION + conversation);
  }
}
