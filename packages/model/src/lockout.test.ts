import { describe, expect, it } from "vitest";
import {
  attemptKey,
  emptyGuard,
  type LockoutPolicy,
  lockoutRemaining,
  NO_LOCKOUT,
  recordFailure,
  recordSignInFailure,
  recordSignInSuccess,
  recordSuccess,
  type SignInAttempt,
  type SignInGuard,
  signInWait,
} from "./lockout.ts";

const policy: LockoutPolicy = {
  maxFailures: 3,
  windowMs: 1_000,
  lockMs: 100,
  maxLockMs: 250,
  handleMaxFailures: 30,
  maxTracked: 100,
};

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

describe("sign-in guard: a stranger cannot lock the owner out", () => {
  const guardPolicy: LockoutPolicy = { ...policy, handleMaxFailures: 5, maxTracked: 4 };
  const stranger: SignInAttempt = { kind: "address", address: "198.51.100.7" };
  const elsewhere: SignInAttempt = { kind: "address", address: "203.0.113.9" };
  const ownerDevice: SignInAttempt = { kind: "device", device: "owner-device" };
  const otherDevice: SignInAttempt = { kind: "device", device: "other-device" };

  function fail(attempts: SignInAttempt[], at = 0, guard = emptyGuard()): SignInGuard {
    return attempts.reduce((g, attempt, i) => recordSignInFailure(g, attempt, at + i, guardPolicy), guard);
  }
  const times = (n: number, attempt: SignInAttempt) => Array<SignInAttempt>(n).fill(attempt);

  it.each([
    { case: "nothing held", failures: [], who: stranger, waits: false },
    { case: "an address below the limit", failures: times(2, stranger), who: stranger, waits: false },
    { case: "an address at the limit waits", failures: times(3, stranger), who: stranger, waits: true },
    { case: "another address is not held up", failures: times(3, stranger), who: elsewhere, waits: false },
    {
      case: "the owner's device is not held up",
      failures: times(3, stranger),
      who: ownerDevice,
      waits: false,
    },
    {
      case: "many addresses together hold every address up",
      failures: [...times(2, stranger), ...times(2, elsewhere), { kind: "address", address: "192.0.2.1" }],
      who: { kind: "address", address: "192.0.2.99" },
      waits: true,
    },
    {
      case: "...but never a known device",
      failures: [...times(2, stranger), ...times(2, elsewhere), { kind: "address", address: "192.0.2.1" }],
      who: ownerDevice,
      waits: false,
    },
    {
      case: "a device's own failures hold it up",
      failures: times(3, otherDevice),
      who: otherDevice,
      waits: true,
    },
    {
      case: "...and not the owner's device",
      failures: times(3, otherDevice),
      who: ownerDevice,
      waits: false,
    },
    { case: "...nor addresses", failures: times(5, otherDevice), who: stranger, waits: false },
  ] as Array<{ case: string; failures: SignInAttempt[]; who: SignInAttempt; waits: boolean }>)(
    "$case",
    ({ failures, who, waits }) => {
      expect(signInWait(fail(failures), who, failures.length) > 0).toBe(waits);
    },
  );

  it("a device and an address with the same text are different keys", () => {
    expect(attemptKey({ kind: "device", device: "x" })).not.toBe(
      attemptKey({ kind: "address", address: "x" }),
    );
  });

  it("a correct password clears that attempt's count, not the handle's", () => {
    const guard = fail([...times(2, stranger), ...times(2, elsewhere)]);
    const after = recordSignInSuccess(guard, stranger);
    expect(after.tracked.has(attemptKey(stranger))).toBe(false);
    expect(after.tracked.has(attemptKey(elsewhere))).toBe(true);
    expect(after.handle).toEqual(guard.handle);
    expect(recordSignInSuccess(emptyGuard(), stranger)).toEqual(emptyGuard());
  });

  it("remembers at most maxTracked keys, forgetting the least recently seen", () => {
    const addresses = Array.from(
      { length: 10 },
      (_, i): SignInAttempt => ({
        kind: "address",
        address: `192.0.2.${i}`,
      }),
    );
    const guard = fail(addresses);
    expect(guard.tracked.size).toBe(guardPolicy.maxTracked);
    expect([...guard.tracked.keys()]).toEqual(addresses.slice(-4).map(attemptKey));
  });

  it("forgets counters that hold nothing any more", () => {
    const guard = fail([stranger]);
    const later = recordSignInFailure(guard, elsewhere, 10_000, guardPolicy);
    expect([...later.tracked.keys()]).toEqual([attemptKey(elsewhere)]);
  });

  it("keeps a counter that is still locked", () => {
    const longLock = { ...guardPolicy, lockMs: 50_000, maxLockMs: 50_000 };
    const guard = [0, 1, 2].reduce((g, t) => recordSignInFailure(g, stranger, t, longLock), emptyGuard());
    const later = recordSignInFailure(guard, elsewhere, 40_000, longLock);
    expect(later.tracked.has(attemptKey(stranger))).toBe(true);
    expect(signInWait(later, stranger, 40_000)).toBeGreaterThan(0);
  });
});
