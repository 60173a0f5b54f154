import { VIEW_WRITE_DELAY_MS, viewWriteDelay } from "@pim/model";
import { type Buddy, type Handle, LIMITS, type RcNotify } from "@pim/protocol";
import { Refusal } from "../refusal.ts";
import { refusalOf } from "../rooms/room-call-result.ts";
import type { RoomClient } from "../rooms/room-client.ts";
import { type JsonText, jsonText } from "../socket/json-text.ts";
import type { BuddyRecord, WatchStore } from "../store/watch-store.ts";

/** Where buddy-list changes go: the principal's own tabs. */
export type BuddyOutlets = {
  /** A buddy as my tabs now show it, with its JSON text (made to see whether it changed). */
  updated(buddy: Buddy, text: JsonText<Buddy>): void;
  removed(handle: string): void;
};

/**
 * The SUBSCRIBER side of a principal's room: the buddy list, kept current by NOTIFICATIONS
 * from each buddy's room, and refreshed from those rooms when the principal comes back.
 */
export class BuddyList {
  private buddies = new Map<string, BuddyRecord>();
  /** Buddies whose latest view is shown but not yet written. */
  private readonly unwritten = new Set<string>();
  private writeTimer: ReturnType<typeof setTimeout> | undefined;
  /** What my tabs were last shown of each buddy, serialized: `keep` compares against it. */
  private readonly shownText = new Map<string, JsonText<Buddy>>();

  constructor(
    private readonly me: string,
    private readonly store: WatchStore,
    private readonly rooms: RoomClient,
    /** My VISIBILITY RULES: do I watch this presentity anonymously? */
    private readonly anonymousTowards: (presentity: string) => boolean,
    private readonly outlets: BuddyOutlets,
    private readonly now: () => number,
    /** How long a new view waits to be written with others (the deployment's, see config.ts). */
    private readonly writeDelayMs: number = VIEW_WRITE_DELAY_MS,
    /** Where this room's write falls in the spread after the delay (model `viewWriteDelay`). */
    private readonly random: () => number = Math.random,
  ) {}

  async load(): Promise<void> {
    this.buddies = await this.store.buddies();
    this.shownText.clear();
  }

  /** On my buddy list (asked or watching): for "buddies only" delivery rules. */
  isBuddy(handle: string): boolean {
    const buddy = this.buddies.get(handle);
    return buddy !== undefined && buddy.state !== "ended";
  }

  list(): Buddy[] {
    return [...this.buddies.values()].map(publicBuddy);
  }

  /** Subscribes to a presentity: asks their room, keeps what it answers. */
  async add(handle: Handle): Promise<Buddy> {
    if (handle === this.me) throw new Refusal("invalid", "You cannot add yourself as a buddy.");
    const existing = this.buddies.get(handle);
    if (existing && existing.state !== "ended" && existing.state !== "refused") {
      throw new Refusal("conflict", `${handle} is already on your buddy list.`);
    }
    if (!existing && this.buddies.size >= LIMITS.maxBuddies) {
      throw new Refusal("limit_reached", `A buddy list holds at most ${LIMITS.maxBuddies} people.`);
    }
    const result = await this.rooms.call("subscribe", handle, { anonymous: this.anonymousTowards(handle) });
    if (!result.ok) throw refusalOf(result, handle);
    const answer = result.reply;
    const buddy: BuddyRecord = {
      handle,
      state: answer.state,
      since: this.now(),
      seq: answer.seq ?? 0,
      ...(answer.view ? { view: answer.view } : {}),
    };
    await this.save(buddy);
    return publicBuddy(buddy);
  }

  /** Ends my subscription, on both sides. */
  async remove(handle: Handle): Promise<void> {
    if (!this.buddies.has(handle)) throw new Refusal("not_found", `${handle} is not on your buddy list.`);
    this.buddies.delete(handle);
    this.shownText.delete(handle);
    this.unwritten.delete(handle);
    await this.store.deleteBuddy(handle);
    this.outlets.removed(handle);
    // The presentity's room learns it too; if it cannot be reached now, its next
    // notification to us is refused (we no longer hold the buddy) and it ends there.
    await this.rooms.call("unsubscribe", handle, {});
  }

  /**
   * A NOTIFICATION (or a subscription decision) from a buddy's room. False if not wanted. A new
   * subscription state is durable when this resolves; a new view alone is written soon after.
   */
  async notified(from: string, notification: RcNotify): Promise<boolean> {
    const existing = this.buddies.get(from);
    if (!existing) return false;
    if (notification.seq < existing.seq) return true; // an older one, overtaken: drop it
    const { view: _old, ...rest } = existing;
    const buddy: BuddyRecord = {
      ...rest,
      state: notification.state,
      seq: notification.seq,
      ...(notification.view && notification.state === "active" ? { view: notification.view } : {}),
    };
    if (buddy.state === existing.state) this.saveSoon(buddy);
    else await this.save(buddy);
    return true;
  }

  /**
   * Asks every buddy's room for its current view: a principal who comes back must never be
   * shown a stale state (a room may have restarted without notifying).
   */
  async refresh(): Promise<void> {
    const candidates = [...this.buddies.values()].filter(
      (b) => b.state === "active" || b.state === "pending",
    );
    const CONCURRENCY = 16;
    for (let i = 0; i < candidates.length; i += CONCURRENCY) {
      await Promise.all(
        candidates.slice(i, i + CONCURRENCY).map(async (buddy) => {
          const result = await this.rooms.call("fetch", buddy.handle, {
            purpose: "refresh",
            anonymous: this.anonymousTowards(buddy.handle),
          });
          if (!result.ok) {
            console.error(`refresh of ${buddy.handle} failed: ${result.failure}`);
            return;
          }
          const answer = result.reply;
          await this.notified(buddy.handle, {
            state: answer.state ?? "ended",
            view: answer.view,
            seq: Math.max(answer.seq, buddy.seq),
          }).catch((error) => console.error(`refresh of ${buddy.handle} failed`, error));
        }),
      );
    }
  }

  /**
   * Keeps a buddy record and shows it on my tabs. The tabs are told first: a message sent while
   * a write is pending is held until the write is on disk, and showing presence a moment before
   * it is durable is harmless (a lost view is fetched again on my next connect). The caller
   * still answers only once the write is durable.
   */
  private async save(buddy: BuddyRecord): Promise<void> {
    if (!this.keep(buddy)) return;
    this.unwritten.delete(buddy.handle);
    await this.store.putBuddy(buddy);
  }

  /** Keeps and shows a buddy record now, and writes it with the next batch. */
  private saveSoon(buddy: BuddyRecord): void {
    if (!this.keep(buddy)) return;
    this.unwritten.add(buddy.handle);
    this.writeTimer ??= setTimeout(
      () => void this.writeUnwritten(),
      viewWriteDelay(this.random(), this.writeDelayMs),
    );
  }

  private async writeUnwritten(): Promise<void> {
    this.writeTimer = undefined;
    const records = [...this.unwritten].flatMap((handle) => this.buddies.get(handle) ?? []);
    this.unwritten.clear();
    await this.store.putBuddies(records).catch((error) => console.error("writing buddy views failed", error));
  }

  /**
   * Takes a record in memory and shows it on my tabs; false when nothing changed. A record is
   * what the tabs are shown plus its sequence number, so one serialization of each side decides
   * both (every notification comes through here: a fan-out to hundreds of rooms pays it in each).
   */
  private keep(buddy: BuddyRecord): boolean {
    const previous = this.buddies.get(buddy.handle);
    const shown = publicBuddy(buddy);
    const text = jsonText(shown);
    const before = previous && (this.shownText.get(buddy.handle) ?? JSON.stringify(publicBuddy(previous)));
    if (previous && before === text && previous.seq === buddy.seq) return false;
    this.buddies.set(buddy.handle, buddy);
    this.shownText.set(buddy.handle, text);
    if (before !== text) this.outlets.updated(shown, text);
    return true;
  }
}

function publicBuddy(record: BuddyRecord): Buddy {
  const { seq: _seq, ...buddy } = record;
  return buddy;
}
