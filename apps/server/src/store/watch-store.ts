import type { Answer, Bucket, WatcherActivity } from "@pim/model";
import type { Buddy, Subscriber, SubscriptionState } from "@pim/protocol";
import type * as Party from "partykit/server";

/** My subscription to a buddy, with the sequence number of the last notification applied. */
export type BuddyRecord = Buddy & { seq: number };

/** A subscription to me, as stored: the public entry keyed by the watcher's real handle. */
export type SubscriberRecord = Omit<Subscriber, "anonymous">;

/** What the presentity remembers of one WATCHER: the source of WATCHER INFORMATION. */
export type WatcherRecord = {
  handle: string;
  /** Names the watcher in my watcher information when they chose to stay anonymous. */
  alias: string;
  /** Whether this is the record of their anonymous watching (a separate record from their named one). */
  anonymous: boolean;
  activity: WatcherActivity;
  /** My answer to their request (for CONFIRM rules). */
  answer?: Answer;
  /** How their last fetch was answered. */
  outcome?: SubscriptionState;
  /** When a polite block began: they are shown me as signed out since then. */
  politeSince?: number | null;
  /**
   * Their FETCH allowance after their last fetch: kept with the record every fetch writes anyway,
   * so a room built again after hibernating does not give them a fresh one.
   */
  fetchAllowance?: Bucket;
};

/**
 * Where a watcher record is kept: named and anonymous watching are separate records, so an alias
 * shares nothing (first seen, counts, answers) with the handle behind it. `~` is never in a handle.
 */
export function watcherKey(handle: string, anonymous: boolean): string {
  return anonymous ? `~${handle}` : handle;
}

export function keyOf(record: Pick<WatcherRecord, "handle" | "anonymous">): string {
  return watcherKey(record.handle, record.anonymous);
}

const BUDDY = "buddy:";
const SUBSCRIBER = "subscriber:";
const WATCHER = "watcher:";

/** Buddies (whom I watch), subscribers (who watch me) and watcher records, in room storage. */
export class WatchStore {
  constructor(private readonly storage: Party.Storage) {}

  async buddies(): Promise<Map<string, BuddyRecord>> {
    return rekey(await this.storage.list<BuddyRecord>({ prefix: BUDDY }), BUDDY);
  }

  putBuddy(buddy: BuddyRecord): Promise<void> {
    return this.storage.put(BUDDY + buddy.handle, buddy);
  }

  /** Several buddies in as few writes as storage allows (128 keys each). */
  async putBuddies(buddies: BuddyRecord[]): Promise<void> {
    for (let i = 0; i < buddies.length; i += 128) {
      await this.storage.put(Object.fromEntries(buddies.slice(i, i + 128).map((b) => [BUDDY + b.handle, b])));
    }
  }

  async deleteBuddy(handle: string): Promise<void> {
    await this.storage.delete(BUDDY + handle);
  }

  async subscribers(): Promise<Map<string, SubscriberRecord>> {
    return rekey(await this.storage.list<SubscriberRecord>({ prefix: SUBSCRIBER }), SUBSCRIBER);
  }

  putSubscriber(subscriber: SubscriberRecord): Promise<void> {
    return this.storage.put(SUBSCRIBER + subscriber.handle, subscriber);
  }

  async deleteSubscriber(handle: string): Promise<void> {
    await this.storage.delete(SUBSCRIBER + handle);
  }

  /** Watcher records by `keyOf(record)`. */
  async watchers(): Promise<Map<string, WatcherRecord>> {
    const stored = rekey(await this.storage.list<WatcherRecord>({ prefix: WATCHER }), WATCHER);
    const records = new Map<string, WatcherRecord>();
    const moved: WatcherRecord[] = [];
    for (const [key, record] of stored) {
      // Records from before watcher information had its own shape carry no activity: drop them.
      if (!record.activity) continue;
      // Anonymous records from before they were kept apart move to their own key.
      if (key !== keyOf(record)) moved.push(record);
      records.set(keyOf(record), record);
    }
    for (const record of moved) {
      await this.storage.put(WATCHER + keyOf(record), record);
      await this.storage.delete(WATCHER + record.handle);
    }
    return records;
  }

  putWatcher(record: WatcherRecord): Promise<void> {
    return this.storage.put(WATCHER + keyOf(record), record);
  }

  /** Deletes watcher records by `keyOf(record)`. */
  async deleteWatchers(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 128) {
      await this.storage.delete(keys.slice(i, i + 128).map((k) => WATCHER + k));
    }
  }

  /** Whether any watcher record is kept (the pruning alarm runs only then). */
  async hasWatchers(): Promise<boolean> {
    return (await this.storage.list({ prefix: WATCHER, limit: 1 })).size > 0;
  }
}

function rekey<T>(map: Map<string, T>, prefix: string): Map<string, T> {
  const result = new Map<string, T>();
  for (const [key, value] of map) result.set(key.slice(prefix.length), value);
  return result;
}
