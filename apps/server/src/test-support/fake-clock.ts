import { vi } from "vitest";

/** A Monday at noon (UTC): far from a day boundary, so per-day counts do not roll over mid-test. */
export const TEST_START = Date.UTC(2025, 0, 6, 12, 0, 0);

/** Time the parts are given as `now`, and the timers they set, moved by the test alone. */
export type FakeClock = {
  now: () => number;
  /** Moves time on, running every timer that falls due (and the promises they start) on the way. */
  advance(ms: number): Promise<void>;
};

/**
 * Fake time for a part under test: vitest's fake timers, with `Date` faked too, so the `now` the
 * parts are handed and their `setTimeout`s (coalescing, deferred writes) move together. Call
 * `vi.useRealTimers()` after each test (the helper does not, so a test can keep its timers).
 */
export function fakeClock(start = TEST_START): FakeClock {
  vi.useFakeTimers({ now: start, toFake: ["setTimeout", "clearTimeout", "Date"] });
  return {
    now: () => Date.now(),
    advance: async (ms) => {
      await vi.advanceTimersByTimeAsync(ms);
    },
  };
}

/** Lets every promise already started settle (fire-and-forget work such as receipts). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await vi.advanceTimersByTimeAsync(0);
}
