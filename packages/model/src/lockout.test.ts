import { describe, expect, it } from "vitest";
import { type LockoutPolicy, lockoutRemaining, NO_LOCKOUT, recordFailure, recordSuccess } from "./lockout.ts";

const policy: LockoutPolicy = { maxFailures: 3, windowMs: 1_000, lockMs: 100, maxLockMs: 250 };

function failAt(times: number[]) {
  return times.reduce((state, t) => recordFailure(state, t, policy), NO_LOCKOUT);
}

describe("lockout", () => {
  it.each([
    { case: "no failures", failures: [], now: 0, remaining: 0 },
    { case: "below the limit", failures: [0, 10], now: 20, remaining: 0 },
    { case: "limit reached locks", failures: [0, 10, 20], now: 20, remaining: 100 },
    { case: "lock counts down", failures: [0, 10, 20], now: 70, remaining: 50 },
    { case: "lock ends", failures: [0, 10, 20], now: 120, remaining: 0 },
    { case: "old failures leave the window", failures: [0, 10, 1_500], now: 1_500, remaining: 0 },
  ])("$case", ({ failures, now, remaining }) => {
    expect(lockoutRemaining(failAt(failures), now)).toBe(remaining);
  });

  it("doubles the lock for each lock in a row, up to the cap", () => {
    let state = failAt([0, 1, 2]);
    expect(state.lockedUntil).toBe(102);
    state = [200, 201, 202].reduce((s, t) => recordFailure(s, t, policy), state);
    expect(state.lockedUntil - 202).toBe(200);
    state = [500, 501, 502].reduce((s, t) => recordFailure(s, t, policy), state);
    expect(state.lockedUntil - 502).toBe(250);
  });

  it("a correct password clears everything", () => {
    expect(recordSuccess()).toEqual(NO_LOCKOUT);
  });
});
