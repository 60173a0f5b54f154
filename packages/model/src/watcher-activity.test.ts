import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  HOUR_MS,
  isExpired,
  isPossibleStalker,
  pruneActivity,
  recordWatch,
  type WatcherActivity,
  type WatcherPolicy,
  watchCounts,
  watcherKind,
  watchersToForget,
} from "./watcher-activity.ts";

const policy: WatcherPolicy = {
  pollerMinPerHour: 3,
  stalkerPerHour: 5,
  keepMs: 30 * DAY_MS,
  recentMax: 100,
  maxRecords: 3,
};
const T0 = 100 * DAY_MS; // a day boundary, so day arithmetic is easy to read

function watchedAt(times: number[]): WatcherActivity {
  let activity: WatcherActivity | undefined;
  for (const t of times) activity = recordWatch(activity, t, policy);
  if (!activity) throw new Error("no times");
  return activity;
}

const minutes = (n: number) => n * 60_000;

describe("watcher kind: fetcher, poller, subscriber", () => {
  it.each([
    { case: "fetched once", times: [T0], now: T0, subscribed: false, kind: "fetcher" },
    {
      case: "twice within the hour",
      times: [T0, T0 + minutes(10)],
      now: T0 + minutes(20),
      subscribed: false,
      kind: "fetcher",
    },
    {
      case: "three times within the hour",
      times: [T0, T0 + minutes(10), T0 + minutes(20)],
      now: T0 + minutes(30),
      subscribed: false,
      kind: "poller",
    },
    {
      case: "three times, the first just out of the hour",
      times: [T0, T0 + minutes(10), T0 + minutes(20)],
      now: T0 + HOUR_MS,
      subscribed: false,
      kind: "fetcher",
    },
    {
      case: "many fetches spread over days",
      times: [T0, T0 + DAY_MS, T0 + 2 * DAY_MS, T0 + 3 * DAY_MS],
      now: T0 + 3 * DAY_MS,
      subscribed: false,
      kind: "fetcher",
    },
    {
      case: "a subscriber who also polls is a subscriber",
      times: [T0, T0 + 1, T0 + 2, T0 + 3],
      now: T0 + 4,
      subscribed: true,
      kind: "subscriber",
    },
  ])("$case: $kind", ({ times, now, subscribed, kind }) => {
    expect(watcherKind(subscribed, watchedAt(times), now, policy)).toBe(kind);
  });
});

describe("possible stalker", () => {
  it.each([
    { case: "at the threshold", count: 5, flagged: false },
    { case: "one over the threshold", count: 6, flagged: true },
    { case: "far over", count: 60, flagged: true },
  ])("$case ($count an hour): $flagged", ({ count, flagged }) => {
    const times = Array.from({ length: count }, (_, i) => T0 + i * 1000);
    expect(isPossibleStalker(watchedAt(times), T0 + count * 1000, policy)).toBe(flagged);
  });

  it("is no longer flagged once the hour has passed", () => {
    const times = Array.from({ length: 10 }, (_, i) => T0 + i);
    expect(isPossibleStalker(watchedAt(times), T0 + HOUR_MS + 10, policy)).toBe(false);
  });
});

describe("counts for the last hour, day and 30 days", () => {
  it.each([
    { case: "just now", times: [T0], now: T0, counts: { hour: 1, day: 1, month: 1 } },
    {
      case: "an hour ago and now",
      times: [T0, T0 + HOUR_MS],
      now: T0 + HOUR_MS,
      counts: { hour: 1, day: 2, month: 2 },
    },
    {
      case: "yesterday and now",
      times: [T0, T0 + DAY_MS + 1],
      now: T0 + DAY_MS + 1,
      counts: { hour: 1, day: 1, month: 2 },
    },
    {
      case: "29 days ago and now",
      times: [T0, T0 + 29 * DAY_MS],
      now: T0 + 29 * DAY_MS,
      counts: { hour: 1, day: 1, month: 2 },
    },
    {
      case: "31 days ago and now",
      times: [T0, T0 + 31 * DAY_MS],
      now: T0 + 31 * DAY_MS,
      counts: { hour: 1, day: 1, month: 1 },
    },
  ])("$case", ({ times, now, counts }) => {
    expect(watchCounts(watchedAt(times), now, policy)).toEqual(counts);
  });

  it("keeps exact times of the last day only, and at most recentMax of them", () => {
    const many = Array.from({ length: 150 }, (_, i) => T0 + i);
    const activity = watchedAt(many);
    expect(activity.recent).toHaveLength(100);
    expect(activity.days).toEqual([[100, 150]]);
    expect(watchCounts(activity, T0 + 200, policy).month).toBe(150);
  });

  it("first and last times are kept", () => {
    const activity = watchedAt([T0, T0 + 5, T0 + DAY_MS * 3]);
    expect(activity.firstAt).toBe(T0);
    expect(activity.lastAt).toBe(T0 + DAY_MS * 3);
  });
});

describe("pruning after 30 days", () => {
  it.each([
    { case: "touched today", lastAgo: 0, expired: false },
    { case: "touched 29 days ago", lastAgo: 29 * DAY_MS, expired: false },
    { case: "touched exactly 30 days ago", lastAgo: 30 * DAY_MS, expired: true },
    { case: "touched 40 days ago", lastAgo: 40 * DAY_MS, expired: true },
  ])("$case: expired $expired", ({ lastAgo, expired }) => {
    expect(isExpired(watchedAt([T0]), T0 + lastAgo, policy)).toBe(expired);
  });

  it("drops day counts older than 30 days and times older than a day", () => {
    const activity = watchedAt([T0, T0 + 10 * DAY_MS, T0 + 35 * DAY_MS]);
    const pruned = pruneActivity(activity, T0 + 35 * DAY_MS, policy);
    expect(pruned.days).toEqual([
      [110, 1],
      [135, 1],
    ]);
    expect(pruned.recent).toEqual([T0 + 35 * DAY_MS]);
  });
});

describe("at most so many watchers are kept", () => {
  const seen = (handle: string, times: number[], live = false) => ({
    handle,
    activity: watchedAt(times),
    live,
  });
  const now = T0 + minutes(60);
  const stalker = Array.from({ length: 6 }, (_, i) => T0 + minutes(10 + i)); // 6 an hour > 5

  it.each([
    { case: "under the limit: none", watchers: [seen("a", [T0]), seen("b", [T0])], max: 3, forget: [] },
    {
      case: "at the limit: none",
      watchers: [seen("a", [T0]), seen("b", [T0]), seen("c", [T0])],
      max: 3,
      forget: [],
    },
    {
      case: "over: the least recently seen first",
      watchers: [
        seen("new", [T0 + minutes(30)]),
        seen("old", [T0 + minutes(1)]),
        seen("mid", [T0 + minutes(20)]),
      ],
      max: 1,
      forget: ["old", "mid"],
    },
    {
      case: "never a live subscription, however old",
      watchers: [seen("sub", [T0], true), seen("a", [T0 + minutes(5)]), seen("b", [T0 + minutes(6)])],
      max: 2,
      forget: ["a"],
    },
    {
      case: "a polite-blocked watcher after everyone else",
      watchers: [{ ...seen("frozen", [T0]), frozen: true }, seen("x", [T0 + minutes(40)])],
      max: 1,
      forget: ["x"],
    },
    {
      case: "a possible stalker after everyone else",
      watchers: [seen("stalker", stalker), seen("x", [T0 + minutes(40)]), seen("y", [T0 + minutes(41)])],
      max: 1,
      forget: ["x", "y"],
    },
    {
      case: "a limit of 0 forgets all but live ones",
      watchers: [seen("sub", [T0], true), seen("a", [T0])],
      max: 0,
      forget: ["a"],
    },
    {
      case: "ties go by handle, so the choice is stable",
      watchers: [seen("b", [T0]), seen("a", [T0]), seen("c", [T0])],
      max: 1,
      forget: ["a", "b"],
    },
  ])("$case", ({ watchers, max, forget }) => {
    expect(watchersToForget(watchers, max, now, policy)).toEqual(forget);
  });
});
