import { describe, expect, it } from "vitest";
import { CHANNEL_IDLE_MS, channelIdle } from "./channel-idle.ts";

describe("channelIdle", () => {
  const cases: Array<[string, number, number, number, number, ReturnType<typeof channelIdle>]> = [
    // name, lastUsedAt, now, awaiting replies, idleMs, expected
    [
      "used just now: look again after the whole idle time",
      1_000,
      1_000,
      0,
      30_000,
      { close: false, checkAgainInMs: 30_000 },
    ],
    [
      "used a while ago: look again when the idle time is up",
      1_000,
      21_000,
      0,
      30_000,
      { close: false, checkAgainInMs: 10_000 },
    ],
    ["idle exactly the idle time: close", 1_000, 31_000, 0, 30_000, { close: true }],
    ["idle longer: close", 1_000, 90_000, 0, 30_000, { close: true }],
    ["replies awaited: never idle", 1_000, 90_000, 1, 30_000, { close: false, checkAgainInMs: 30_000 }],
    [
      "a clock that went back: look again after the whole idle time",
      5_000,
      4_000,
      0,
      30_000,
      { close: false, checkAgainInMs: 30_000 },
    ],
    ["a short idle time (tests)", 0, 99, 0, 100, { close: false, checkAgainInMs: 1 }],
  ];
  it.each(cases)("%s", (_name, lastUsedAt, now, awaiting, idleMs, expected) => {
    expect(channelIdle(lastUsedAt, now, awaiting, idleMs)).toEqual(expected);
  });

  it("defaults to CHANNEL_IDLE_MS", () => {
    expect(channelIdle(0, CHANNEL_IDLE_MS - 1, 0)).toEqual({ close: false, checkAgainInMs: 1 });
    expect(channelIdle(0, CHANNEL_IDLE_MS, 0)).toEqual({ close: true });
  });
});
