import { describe, expect, it } from "vitest";
import { classifyWatcher, type PollerPolicy, recentFetches, recordFetch } from "./poller-detection.ts";

const policy: PollerPolicy = { minFetches: 3, windowMs: 1_000, keepMs: 10_000, keepMax: 5 };

describe("poller detection", () => {
  it.each([
    { case: "never fetched", times: [], now: 0, kind: "fetcher" },
    { case: "fetched once", times: [0], now: 0, kind: "fetcher" },
    { case: "twice within the window", times: [0, 500], now: 600, kind: "fetcher" },
    { case: "three times within the window", times: [0, 400, 800], now: 900, kind: "poller" },
    {
      case: "three times, the first just out of the window",
      times: [0, 400, 800],
      now: 1_000,
      kind: "fetcher",
    },
    { case: "many, spread out long ago", times: [0, 2_000, 4_000, 6_000], now: 9_000, kind: "fetcher" },
  ])("$case: $kind", ({ times, now, kind }) => {
    expect(classifyWatcher(times, now, policy)).toBe(kind);
  });

  it.each([
    { case: "appends", times: [1, 2], now: 3, expected: [1, 2, 3] },
    { case: "drops fetches older than kept", times: [0, 5_000], now: 10_000, expected: [5_000, 10_000] },
    { case: "keeps at most keepMax", times: [1, 2, 3, 4, 5], now: 6, expected: [2, 3, 4, 5, 6] },
  ])("recordFetch $case", ({ times, now, expected }) => {
    expect(recordFetch(times, now, policy)).toEqual(expected);
  });

  it("counts recent fetches", () => {
    expect(recentFetches([0, 500, 900, 1_500], 1_600, policy)).toBe(2);
  });
});
