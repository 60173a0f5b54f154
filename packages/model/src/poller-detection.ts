/** When a FETCHER counts as a POLLER, and how much fetch history is kept. */
export type PollerPolicy = {
  /** At least this many fetches within `windowMs` make a poller. */
  minFetches: number;
  windowMs: number;
  /** Fetch times are kept this long, and at most `keepMax` of them. */
  keepMs: number;
  keepMax: number;
};

export const DEFAULT_POLLER_POLICY: PollerPolicy = {
  minFetches: 4,
  windowMs: 60 * 60_000,
  keepMs: 30 * 24 * 60 * 60_000,
  keepMax: 200,
};

/** The fetch history after one more fetch at `now`: bounded in age and length, oldest first. */
export function recordFetch(times: number[], now: number, policy: PollerPolicy): number[] {
  return [...times.filter((t) => now - t < policy.keepMs), now].slice(-policy.keepMax);
}

/** Fetches within the last `windowMs`. */
export function recentFetches(times: number[], now: number, policy: PollerPolicy): number {
  return times.filter((t) => now - t < policy.windowMs && t <= now).length;
}

/** A watcher who fetches again and again is a POLLER (RFC 2778); one who fetched now and then, a FETCHER. */
export function classifyWatcher(times: number[], now: number, policy: PollerPolicy): "fetcher" | "poller" {
  return recentFetches(times, now, policy) >= policy.minFetches ? "poller" : "fetcher";
}
