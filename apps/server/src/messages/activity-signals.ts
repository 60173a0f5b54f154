import { type ActivitySignal, decideActivitySignal } from "@pim/model";
import { type DeliveryRules, MESSAGE_LIMITS, type PresenceView } from "@pim/protocol";
import type { RoomClient } from "../rooms/room-client.ts";
import type { ConversationMeta } from "../store/conversation-store.ts";
import type { Conversations } from "./conversations.ts";

/** What the signals ask the rest of the room: my delivery rules, and how a peer may see me. */
export type ActivityContext = {
  rules(): DeliveryRules;
  /** My presence as this person may see it (my access rules applied); null: not at all. */
  presenceSeenBy(handle: string): PresenceView | null;
};

/** Reading far back is done in steps of this many messages at most. */
const SCAN_STEP = 1000;

/** How far read receipts went: older metas, kept before receipts could be held, up to readUpTo. */
export function receiptsSentUpTo(meta: ConversationMeta): number {
  return meta.receiptsUpTo ?? meta.readUpTo;
}

/**
 * What my room tells a conversation partner about my activity: read receipts and typing. Each
 * says "I am here now", so it goes only to a peer who may see me OPEN now (model
 * `decideActivitySignal`); receipts are held until then, their progress kept in the meta.
 */
export class ActivitySignals {
  /** Receipts are worked out one conversation at a time, so none is sent twice. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly me: string,
    private readonly conversations: Conversations,
    private readonly context: ActivityContext,
    private readonly rooms: RoomClient,
  ) {}

  /** I am typing to `to` (or stopped): told only if they may see me OPEN, else not at all. */
  typing(to: string, typing: boolean): void {
    if (to === this.me || this.decide("typing", to) !== "send") return;
    void this.rooms.call("typing", to, { typing });
  }

  /** Sends the receipts a conversation owes now, if its peer may learn of them now. */
  receiptsFor(peer: string): Promise<void> {
    return this.inTurn(() => this.settle(peer));
  }

  /** Sends every held receipt whose peer may now see me OPEN (after my presence or rules changed). */
  releaseHeld(): Promise<void> {
    return this.inTurn(async () => {
      const owing = this.conversations.all().filter((meta) => meta.readUpTo > receiptsSentUpTo(meta));
      for (const meta of owing) await this.settle(meta.with);
    });
  }

  private decide(signal: ActivitySignal, peer: string) {
    return decideActivitySignal(signal, {
      statusSeenByPeer: this.context.presenceSeenBy(peer)?.status,
      readReceipts: this.context.rules().readReceipts,
    });
  }

  private async settle(peer: string): Promise<void> {
    if (!this.conversations.has(peer)) return;
    const meta = this.conversations.meta(peer);
    const from = receiptsSentUpTo(meta);
    const upTo = meta.readUpTo;
    if (upTo <= from) return;
    const decision = this.decide("receipt", peer);
    if (decision === "hold") return;
    const ids = decision === "send" ? await this.receivedIds(peer, from, upTo) : [];
    const changed = await this.conversations.change(peer, (latest) => ({
      ...latest,
      receiptsUpTo: Math.max(receiptsSentUpTo(latest), upTo),
    }));
    if (!changed) return; // the conversation was deleted meanwhile: nothing is owed
    for (let i = 0; i < ids.length; i += MESSAGE_LIMITS.maxReceiptIds) {
      void this.rooms
        .call("receipt", peer, { ids: ids.slice(i, i + MESSAGE_LIMITS.maxReceiptIds) })
        .then((result) => {
          if (!result.ok) console.error(`read receipt to ${peer} failed: ${result.failure}`);
        });
    }
  }

  /** The ids of messages the peer sent me with seq in (after, upTo]. */
  private async receivedIds(peer: string, after: number, upTo: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor = after;
    while (cursor < upTo) {
      const page = await this.conversations.after(peer, cursor, Math.min(upTo - cursor, SCAN_STEP));
      if (page.length === 0) break;
      for (const message of page) {
        if (message.seq <= upTo && message.from === peer) ids.push(message.id);
      }
      cursor = page.at(-1)?.seq ?? upTo;
    }
    return ids;
  }

  /** Runs after what is queued; never rejects (a receipt is told after the read is stored). */
  private inTurn(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(task).catch((error) => console.error("read receipts failed", error));
    return this.queue;
  }
}
