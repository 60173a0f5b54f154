/**
 * WATCHER INFORMATION bookkeeping (RFC 2778 section 4): how often each watcher looked at a
 * presentity, kept for 30 days, and what that says about them (FETCHER, POLLER, possible
 * stalker). Pure: the room stores the records and asks these functions.
 */

export type WatcherPolicy = {
  /** At least this many fetches within the last hour make a POLLER. */
  pollerMinPerHour: number;
  /** More than this many fetches within the last hour flag a possible stalker. */
  stalkerPerHour: number;
  /** Records (and counts) are kept this long, then pruned. */
  keepMs: number;
  /** At most this many exact times are kept (the last day's); older counts go by day. */
  recentMax: number;
  /** At most this many watchers are kept, however recent: see `watchersToForget`. */
  maxRecords: number;
};

export const HOUR_MS = 60 * 60_000;
export const DAY_MS = 24 * HOUR_MS;

export const DEFAULT_WATCHER_POLICY: WatcherPolicy = {
  pollerMinPerHour: 4,
  stalkerPerHour: 30,
  keepMs: 30 * DAY_MS,
  recentMax: 2000,
  maxRecords: 5000,
};

/** One watcher's activity: first and last time, exact times of the last day, counts per day. */
export type WatcherActivity = {
  firstAt: number;
  lastAt: number;
  /** Fetch and subscribe times within the last day, oldest first, at most `recentMax`. */
  recent: number[];
  /** [day number (UTC), count] for the last 30 days, oldest first. */
  days: [number, number][];
};

export type WatchCounts = { hour: number; day: number; month: number };

/** The activity after one more fetch or subscription request at `now`. */
export function recordWatch(
  activity: WatcherActivity | undefined,
  now: number,
  policy: WatcherPolicy = DEFAULT_WATCHER_POLICY,
): WatcherActivity {
  const base = activity
    ? pruneActivity(activity, now, policy)
    : { firstAt: now, lastAt: now, recent: [], days: [] };
  const day = Math.floor(now / DAY_MS);
  const days = [...base.days];
  const last = days[days.length - 1];
  if (last && last[0] === day) days[days.length - 1] = [day, last[1] + 1];
  else days.push([day, 1]);
  return {
    firstAt: Math.min(base.firstAt, now),
    lastAt: Math.max(base.lastAt, now),
    recent: [...base.recent, now].slice(-policy.recentMax),
    days,
  };
}

/** Drops what is older than the policy keeps. */
export function pruneActivity(
  activity: WatcherActivity,
  now: number,
  policy: WatcherPolicy,
): WatcherActivity {
  const firstDay = Math.floor((now - policy.keepMs) / DAY_MS);
  return {
    ...activity,
    recent: activity.recent.filter((t) => now - t < DAY_MS),
    days: activity.days.filter(([day]) => day > firstDay),
  };
}

/** A record nobody has touched for the whole keep period is deleted. */
export function isExpired(
  activity: WatcherActivity,
  now: number,
  policy: WatcherPolicy = DEFAULT_WATCHER_POLICY,
): boolean {
  return now - activity.lastAt >= policy.keepMs;
}

/**
 * How often the watcher looked in the last hour, day and 30 days. Hour and day are exact (up to
 * `recentMax` a day); the month is counted by UTC day, so it can include up to a day more.
 */
export function watchCounts(
  activity: WatcherActivity,
  now: number,
  policy: WatcherPolicy = DEFAULT_WATCHER_POLICY,
): WatchCounts {
  const inWindow = (ms: number) => activity.recent.filter((t) => t <= now && now - t < ms).length;
  const firstDay = Math.floor((now - policy.keepMs) / DAY_MS);
  const month = activity.days.reduce((sum, [day, count]) => (day > firstDay ? sum + count : sum), 0);
  const day = inWindow(DAY_MS);
  return { hour: inWindow(HOUR_MS), day, month: Math.max(month, day) };
}

/** SUBSCRIBER while subscribed; otherwise a POLLER when fetching again and again, else a FETCHER. */
export function watcherKind(
  subscribed: boolean,
  activity: WatcherActivity,
  now: number,
  policy: WatcherPolicy = DEFAULT_WATCHER_POLICY,
): "subscriber" | "fetcher" | "poller" {
  if (subscribed) return "subscriber";
  return watchCounts(activity, now, policy).hour >= policy.pollerMinPerHour ? "poller" : "fetcher";
}

/** Far more looks per hour than anyone needs: worth a one-click block. */
export function isPossibleStalker(
  activity: WatcherActivity,
  now: number,
  policy: WatcherPolicy = DEFAULT_WATCHER_POLICY,
): boolean {
  return watchCounts(activity, now, policy).hour > policy.stalkerPerHour;
}

/** A watcher as the limit on WATCHER INFORMATION sees it. */
export type KeptWatcher = {
  handle: string;
  activity: WatcherActivity;
  /** A subscription that is not ended: its record is what decides it, so it is never forgotten. */
  live: boolean;
  /** Holds when a polite block began: forgetting it would unfreeze what that watcher is shown. */
  frozen?: boolean;
};

/**
 * The watchers to forget so that at most `max` are kept (time alone does not bound them: a
 * crowd of fetchers could grow the record without end). The least recently seen go first;
 * possible stalkers and polite-blocked watchers last, so that a crowd of new fetchers can wash
 * out neither the one worth seeing nor the moment a polite block froze; live subscriptions never.
 */
export function watchersToForget(
  watchers: KeptWatcher[],
  max: number,
  now: number,
  policy: WatcherPolicy = DEFAULT_WATCHER_POLICY,
): string[] {
  const excess = watchers.length - Math.max(0, max);
  if (excess <= 0) return [];
  // Counting the hour only for records with enough looks keeps this cheap for a crowd of one-offs.
  const flagged = (w: KeptWatcher) =>
    w.activity.recent.length > policy.stalkerPerHour && isPossibleStalker(w.activity, now, policy);
  return watchers
    .filter((w) => !w.live)
    .map((w) => ({ handle: w.handle, lastAt: w.activity.lastAt, flagged: !!w.frozen || flagged(w) }))
    .sort(
      (a, b) =>
        Number(a.flagged) - Number(b.flagged) ||
        a.lastAt - b.lastAt ||
        (a.handle < b.handle ? -1 : a.handle > b.handle ? 1 : 0),
    )
    .slice(0, excess)
    .map((w) => w.handle);
}
