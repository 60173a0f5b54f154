import type { Handle, MessageAck, StoredMessage } from "@pim/protocol";
import { noOneHas } from "../rooms/room-call-result.ts";
import type { RoomClient } from "../rooms/room-client.ts";
import type { Conversations } from "./conversations.ts";

/** A message from one of my tabs, its recipient parsed at the edge. */
export type SendRequest = { id: string; to: Handle; text: string };

const UNREACHABLE = "Not delivered: their inbox could not be reached. Try again.";

/**
 * The SENDER side of the INSTANT MESSAGE SERVICE in my room: a message from one of my tabs takes
 * its place (state "sending", in memory and on my tabs only), is handed to the recipient's room,
 * and is stored once, as "delivered" or "failed" with a reason (decision 14); the tab that sent it then gets an acknowledgement, and
 * every tab sees the stored message change. Everything for one recipient runs in order, one
 * at a time, so a conversation keeps the order in which messages were sent.
 */
export class Sender {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly me: string,
    private readonly conversations: Conversations,
    private readonly rooms: RoomClient,
    private readonly now: () => number,
  ) {}

  send(request: SendRequest): Promise<MessageAck> {
    const { to } = request;
    if (to === this.me) {
      return Promise.resolve(ack(request.id, "failed", "You cannot send a message to yourself."));
    }
    return this.inOrder(to, () => this.sendNow({ ...request, to }));
  }

  /** The recipient read my messages (their room says so, for these ids of mine). */
  async receipted(from: string, ids: string[]): Promise<void> {
    for (const id of ids) {
      const seq = await this.conversations.seqOf(from, id, "sent");
      if (seq === undefined) continue;
      const message = await this.conversations.message(from, seq);
      if (message && message.from === this.me && message.state === "delivered") {
        await this.conversations.update({ ...message, state: "read" });
      }
    }
  }

  private async sendNow(request: SendRequest & { to: string }): Promise<MessageAck> {
    const knownSeq = await this.conversations.seqOf(request.to, request.id, "sent");
    if (knownSeq !== undefined) {
      // A resend: the room has it. Deliver again only if it never arrived.
      const known = await this.conversations.message(request.to, knownSeq);
      if (!known) return ack(request.id, "delivered"); // since deleted from my copy
      if (known.state === "delivered" || known.state === "read") return ack(known.id, known.state);
      return this.deliver(known);
    }
    const draft: StoredMessage = {
      id: request.id,
      conversation: request.to,
      from: this.me,
      to: request.to,
      text: request.text,
      sentAt: this.now(),
      seq: 0,
      state: "sending",
    };
    if (!this.conversations.has(request.to)) {
      // A first message goes to the recipient's room before it takes a place here: if no one
      // has that handle (or their room cannot be reached), nothing is stored or shown.
      const outcome = await this.handOver(draft);
      if (outcome.unknown) return ack(request.id, "failed", noOneHas(request.to));
      if (outcome.unreachable) return ack(request.id, "failed", UNREACHABLE);
      const stored = await this.conversations.append(request.to, (seq) => ({ ...outcome.next, seq }), "sent");
      return ack(stored.id, stored.state, stored.reason, outcome.retryAfter);
    }
    const message = this.conversations.place(request.to, (seq) => ({ ...draft, seq }));
    return this.deliver(message, true);
  }

  /**
   * Hands a message to the recipient's room and keeps the outcome. A new message is stored
   * only then, in one write with its final state: "sending" lives in memory and on my tabs.
   */
  private async deliver(message: StoredMessage, isNew = false): Promise<MessageAck> {
    const { next, retryAfter } = await this.handOver(message);
    if (isNew) await this.conversations.commit(next);
    else await this.conversations.update(next);
    return ack(next.id, next.state, next.reason, retryAfter);
  }

  /** The recipient's room's answer to a message, as the message's next state. */
  private async handOver(message: StoredMessage): Promise<HandOver> {
    const result = await this.rooms.call("deliver", message.to, {
      id: message.id,
      text: message.text,
      sentAt: message.sentAt,
    });
    if (!result.ok) {
      if (result.failure === "no_such_principal")
        return { next: failed(message, UNREACHABLE), unknown: true };
      return { next: failed(message, UNREACHABLE), unreachable: true };
    }
    const answer = result.reply;
    if (!answer.accepted) {
      const refused = failed(message, answer.message);
      return { next: refused, ...(answer.retryAfter !== undefined ? { retryAfter: answer.retryAfter } : {}) };
    }
    const delivered: StoredMessage = { ...message, state: "delivered" };
    delete delivered.reason;
    return { next: delivered };
  }

  /** Runs `task` after everything queued for this recipient. */
  private inOrder<T>(to: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(to) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.catch(() => undefined);
    this.queues.set(to, settled);
    void settled.then(() => {
      if (this.queues.get(to) === settled) this.queues.delete(to);
    });
    return run;
  }
}

type HandOver = { next: StoredMessage; retryAfter?: number; unknown?: true; unreachable?: true };

function failed(message: StoredMessage, reason: string): StoredMessage {
  return { ...message, state: "failed", reason };
}

function ack(id: string, state: MessageAck["state"], reason?: string, retryAfter?: number): MessageAck {
  return {
    type: "message.ack",
    id,
    state,
    ...(reason ? { reason } : {}),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  };
}
