import type { Handle, MessageAck, StoredMessage } from "@pim/protocol";
import { noOneHas } from "../rooms/room-call-result.ts";
import type { RoomClient } from "../rooms/room-client.ts";
import type { Conversations } from "./conversations.ts";

/** A message from one of my tabs, its recipient parsed at the edge. */
export type SendRequest = { id: string; to: Handle; text: string };

const UNREACHABLE = "Not delivered: their inbox could not be reached. Try again.";

/**
 * The SENDER side of the INSTANT MESSAGE SERVICE in my room: a message from one of my tabs is
 * stored as "sending" with a mark that it is unfinished, handed to the recipient's room, and its
 * outcome ("delivered", or "failed" with a reason) kept in its place (decision 14, amended: a
 * delivered one is written with the next batch, a failed one before the acknowledgement); the
 * tab that sent it then gets an acknowledgement, and every tab sees the message change.
 * After a crash, `resume` hands over again what is still marked. Everything for one recipient
 * runs in order, one at a time, so a conversation keeps the order in which messages were sent.
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
      if (!known) {
        // Since deleted from my copy: answered as it had ended, not "delivered" whatever it was.
        const gone = await this.conversations.deletedOutcome(request.to, request.id);
        if (gone?.state === "failed") return ack(request.id, "failed", gone.reason ?? "Not delivered.");
        return ack(request.id, gone?.state === "read" ? "read" : "delivered");
      }
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
    // A first message is shown only once its recipient's room answered: if no one has that
    // handle (or their room cannot be reached), the new conversation is dropped.
    const first = !this.conversations.has(request.to);
    const message = await this.conversations.stage(request.to, (seq) => ({ ...draft, seq }), !first);
    const outcome = await this.handOver(message);
    if (first && (outcome.unknown || outcome.unreachable) && (await this.conversations.discard(message))) {
      return ack(request.id, "failed", outcome.unknown ? noOneHas(request.to) : UNREACHABLE);
    }
    // Delivered: the recipient's room holds it and this one has it staged, so its final state
    // can wait for the next batch; a refusal is stored before it is acknowledged, since handing
    // it over again after a crash could end differently.
    if (outcome.next.state === "delivered") this.conversations.commitSoon(outcome.next);
    else await this.conversations.commit(outcome.next);
    return ack(outcome.next.id, outcome.next.state, outcome.next.reason, outcome.retryAfter);
  }

  /**
   * On start: hands over again every message this room staged and never finished, because it
   * stopped in between (a crash). The recipient's room recognizes an id it already holds, so
   * this is harmless when the message had arrived; without it, a message whose tab never comes
   * back to resend it would stay in the recipient's history and be missing from mine.
   */
  async resume(): Promise<number> {
    const unfinished = await this.conversations.unfinished();
    for (const { conversation, seq } of unfinished) {
      void this.inOrder(conversation, async () => {
        const message = await this.conversations.message(conversation, seq);
        if (message?.state !== "sending") {
          await this.conversations.endStaging(conversation, seq);
          return;
        }
        await this.deliver(message);
      }).catch((error) => console.error(`resending to ${conversation} failed`, error));
    }
    return unfinished.length;
  }

  /** Hands a stored message to the recipient's room and keeps the outcome (ending its staging). */
  private async deliver(message: StoredMessage): Promise<MessageAck> {
    const { next, retryAfter } = await this.handOver(message);
    await this.conversations.update(next, true);
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
