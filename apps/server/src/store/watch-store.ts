import type { Buddy, Subscriber } from "@pim/protocol";
import type * as Party from "partykit/server";

/** My subscription to a buddy, with the sequence number of the last notification applied. */
export type BuddyRecord = Buddy & { seq: number };

/** What the presentity remembers of one watcher's activity: the start of WATCHER INFORMATION. */
export type WatcherRecord = {
  handle: string;
  firstAt: number;
  lastAt: number;
  /** Times of recent fetches, bounded (see model `recordFetch`). */
  fetches: number[];
  subscribes: number;
};

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

  async deleteBuddy(handle: string): Promise<void> {
    await this.storage.delete(BUDDY + handle);
  }

  async subscribers(): Promise<Map<string, Subscriber>> {
    return rekey(await this.storage.list<Subscriber>({ prefix: SUBSCRIBER }), SUBSCRIBER);
  }

  putSubscriber(subscriber: Subscriber): Promise<void> {
    return this.storage.put(SUBSCRIBER + subscriber.handle, subscriber);
  }

  watcher(handle: string): Promise<WatcherRecord | undefined> {
    return this.storage.get<WatcherRecord>(WATCHER + handle);
  }

  async watchers(): Promise<WatcherRecord[]> {
    return [...(await this.storage.list<WatcherRecord>({ prefix: WATCHER })).values()];
  }

  putWatcher(record: WatcherRecord): Promise<void> {
    return this.storage.put(WATCHER + record.handle, record);
  }
}

function rekey<T>(map: Map<string, T>, prefix: string): Map<string, T> {
  const result = new Map<string, T>();
  for (const [key, value] of map) result.set(key.slice(prefix.length), value);
  return result;
}
