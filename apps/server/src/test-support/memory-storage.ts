import type * as Party from "partykit/server";

/** Durable Object storage takes at most this many keys in one get, put or delete. */
const MAX_KEYS = 128;
/** Keys are at most 2 KiB (UTF-8). */
const MAX_KEY_BYTES = 2048;

const encoder = new TextEncoder();

/** Durable Objects order keys by their UTF-8 bytes (not by UTF-16 code units, as `<` would). */
function compareKeys(a: string, b: string): number {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = (x[i] as number) - (y[i] as number);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * The part of `Party.Storage` (Durable Object storage) the stores use, in memory, for unit tests:
 * one or many keys in get, put and delete (at most 128 at once, as in the runtime), `list` in key
 * order with prefix, start, startAfter, end, reverse and limit, and the alarm. Values are
 * structured-cloned on the way in and out, as the runtime serializes them: a caller changing an
 * object after `put`, or one it got from `get`, does not change what is stored.
 */
export class MemoryStorage {
  private readonly data = new Map<string, unknown>();
  private alarm: number | null = null;
  /** Every key written (put or delete), in order: tests count writes with it. */
  readonly writes: string[] = [];

  /** This storage as the stores take it. */
  asStorage(): Party.Storage {
    // The stores call only the methods below; the rest of the interface is never reached.
    return this as unknown as Party.Storage;
  }

  /** A copy of everything stored, for assertions. */
  dump(): Map<string, unknown> {
    return new Map([...this.sortedKeys()].map((key) => [key, structuredClone(this.data.get(key))]));
  }

  get<T = unknown>(key: string): Promise<T | undefined>;
  get<T = unknown>(keys: string[]): Promise<Map<string, T>>;
  async get<T>(keyOrKeys: string | string[]): Promise<T | undefined | Map<string, T>> {
    if (typeof keyOrKeys === "string") {
      checkKey(keyOrKeys);
      return this.read(keyOrKeys) as T | undefined;
    }
    checkCount(keyOrKeys.length, "get");
    const result = new Map<string, T>();
    for (const key of [...keyOrKeys].sort(compareKeys)) {
      checkKey(key);
      if (this.data.has(key)) result.set(key, this.read(key) as T);
    }
    return result;
  }

  put<T>(key: string, value: T): Promise<void>;
  put<T>(entries: Record<string, T>): Promise<void>;
  async put<T>(keyOrEntries: string | Record<string, T>, value?: T): Promise<void> {
    const entries: [string, unknown][] =
      typeof keyOrEntries === "string" ? [[keyOrEntries, value]] : Object.entries(keyOrEntries);
    checkCount(entries.length, "put");
    // All or nothing, as one write in the runtime: check (and clone) every entry first.
    const cloned = entries.map(([key, v]): [string, unknown] => {
      checkKey(key);
      if (v === undefined) throw new TypeError(`storage.put: the value of ${key} is undefined`);
      return [key, structuredClone(v)];
    });
    for (const [key, v] of cloned) {
      this.data.set(key, v);
      this.writes.push(key);
    }
  }

  delete(key: string): Promise<boolean>;
  delete(keys: string[]): Promise<number>;
  async delete(keyOrKeys: string | string[]): Promise<boolean | number> {
    if (typeof keyOrKeys === "string") {
      checkKey(keyOrKeys);
      this.writes.push(keyOrKeys);
      return this.data.delete(keyOrKeys);
    }
    checkCount(keyOrKeys.length, "delete");
    let deleted = 0;
    for (const key of keyOrKeys) {
      checkKey(key);
      this.writes.push(key);
      if (this.data.delete(key)) deleted += 1;
    }
    return deleted;
  }

  async list<T = unknown>(
    options: {
      prefix?: string;
      start?: string;
      startAfter?: string;
      end?: string;
      reverse?: boolean;
      limit?: number;
    } = {},
  ): Promise<Map<string, T>> {
    const { prefix, start, startAfter, end, reverse, limit } = options;
    if (start !== undefined && startAfter !== undefined) {
      throw new TypeError("storage.list: start and startAfter cannot both be given");
    }
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      throw new RangeError("storage.list: limit must be a positive integer");
    }
    let keys = this.sortedKeys().filter(
      (key) =>
        (prefix === undefined || key.startsWith(prefix)) &&
        (start === undefined || compareKeys(key, start) >= 0) &&
        (startAfter === undefined || compareKeys(key, startAfter) > 0) &&
        (end === undefined || compareKeys(key, end) < 0),
    );
    if (reverse) keys = keys.reverse();
    if (limit !== undefined) keys = keys.slice(0, limit);
    return new Map(keys.map((key) => [key, this.read(key) as T]));
  }

  async getAlarm(): Promise<number | null> {
    return this.alarm;
  }

  async setAlarm(at: number | Date): Promise<void> {
    this.alarm = typeof at === "number" ? at : at.getTime();
  }

  async deleteAlarm(): Promise<void> {
    this.alarm = null;
  }

  private read(key: string): unknown {
    return this.data.has(key) ? structuredClone(this.data.get(key)) : undefined;
  }

  private sortedKeys(): string[] {
    return [...this.data.keys()].sort(compareKeys);
  }
}

function checkKey(key: string): void {
  if (typeof key !== "string") throw new TypeError("storage keys are strings");
  if (encoder.encode(key).length > MAX_KEY_BYTES) throw new RangeError(`storage key over 2 KiB: ${key}`);
}

function checkCount(count: number, operation: string): void {
  if (count > MAX_KEYS) {
    throw new RangeError(`storage.${operation} takes at most ${MAX_KEYS} keys at once, not ${count}`);
  }
}
