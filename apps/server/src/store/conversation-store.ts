import { type Bucket, conversationPrefix, messageKey, pageRange } from "@pim/model";
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
  /**
   * The peer's allowance to send me messages (SPAM control) after their last one I took: kept with
   * the meta that message writes anyway, so a room built again after hibernating does not give
   * them a fresh burst.
   */
  senderAllowance?: Bucket;
};

const CONVERSATION = "conv:";
/** Durable Object storage takes at most this many keys in one put or delete. */
const MAX_KEYS_PER_CALL = 128;
/** My sent messages by their client-chosen id, per recipient: for resends. */
const SENT_ID = "sid:";
/** Received messages by the sender's id, per sender: for deduplication. */
const RECEIVED_ID = "rid:";
/** How a message of mine that I deleted had ended, by its id: a late resend is answered the same. */
const SENT_GONE = "sgone:";
/** My messages handed to the recipient's room and not yet answered (`out:<peer>:<seq>` -> seq). */
const OUTGOING = "out:";

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

  /**
   * A message of mine on its way, stored as "sending" (with its id and meta) and marked
   * unfinished before it is handed over: if the room dies before the answer is stored, it
   * finds the message on start and hands it over again (the recipient recognizes the id).
   */
  async stageMessage(message: StoredMessage, meta: ConversationMeta): Promise<void> {
    await this.storage.put<unknown>({
      [messageKey(message.conversation, message.seq)]: message,
      [`${SENT_ID}${message.conversation}:${message.id}`]: message.seq,
      [CONVERSATION + meta.with]: meta,
      [outgoingKey(message.conversation, message.seq)]: message.seq,
    });
  }

  /** My messages that were staged and never finished (a crash in between), oldest first per peer. */
  async unfinished(): Promise<Array<{ conversation: string; seq: number }>> {
    const listed = await this.storage.list<number>({ prefix: OUTGOING });
    return [...listed].map(([key, seq]) => ({
      conversation: key.slice(OUTGOING.length, key.lastIndexOf(":")),
      seq,
    }));
  }

  /** Ends the staging of a message that is gone or was finished another way. */
  async endStaging(conversation: string, seq: number): Promise<void> {
    await this.storage.delete(outgoingKey(conversation, seq));
  }

  /** Updates a stored message (its state), keeping its place; `finished` ends its staging. */
  async updateMessage(message: StoredMessage, meta?: ConversationMeta, finished = false): Promise<void> {
    // Issued together without an await between them, the delete and the put commit as one write.
    if (finished) void this.storage.delete(outgoingKey(message.conversation, message.seq));
    await this.storage.put<unknown>({
      [messageKey(message.conversation, message.seq)]: message,
      ...(meta ? { [CONVERSATION + meta.with]: meta } : {}),
    });
  }

  /**
   * Final states of several staged messages, with their conversations' metas, ending their
   * staging: issued together without an await between them, so the runtime commits them as one
   * write (in puts and deletes of at most 128 keys each).
   */
  async finishMessages(messages: StoredMessage[], metas: ConversationMeta[]): Promise<void> {
    const entries: Array<[string, unknown]> = [
      ...messages.map((m): [string, unknown] => [messageKey(m.conversation, m.seq), m]),
      ...metas.map((meta): [string, unknown] => [CONVERSATION + meta.with, meta]),
    ];
    const staged = messages.map((m) => outgoingKey(m.conversation, m.seq));
    const writes: Array<Promise<unknown>> = [];
    for (let i = 0; i < entries.length; i += MAX_KEYS_PER_CALL) {
      writes.push(this.storage.put<unknown>(Object.fromEntries(entries.slice(i, i + MAX_KEYS_PER_CALL))));
    }
    for (let i = 0; i < staged.length; i += MAX_KEYS_PER_CALL) {
      writes.push(this.storage.delete(staged.slice(i, i + MAX_KEYS_PER_CALL)));
    }
    await Promise.all(writes);
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
    if (message.from !== message.conversation) {
      // A message I sent: how it ended is kept, so a late resend of it is answered truthfully.
      await this.storage.put(`${SENT_GONE}${message.conversation}:${message.id}`, {
        state: message.state,
        ...(message.reason ? { reason: message.reason } : {}),
      });
    }
  }

  /** How a message I sent and then deleted had ended (absent for messages deleted before this was kept). */
  deletedOutcome(conversation: string, id: string): Promise<{ state: string; reason?: string } | undefined> {
    return this.storage.get(`${SENT_GONE}${conversation}:${id}`);
  }

  /** Deletes a whole conversation, page by page (storage deletes at most 128 keys at once). */
  async deleteConversation(conversation: string): Promise<void> {
    for (const prefix of [
      conversationPrefix(conversation),
      `${SENT_ID}${conversation}:`,
      `${RECEIVED_ID}${conversation}:`,
      `${OUTGOING}${conversation}:`,
      `${SENT_GONE}${conversation}:`,
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

function outgoingKey(conversation: string, seq: number): string {
  return `${OUTGOING}${conversation}:${String(seq).padStart(12, "0")}`;
}
