/**
 * Guessing defence for one principal's password: after `maxFailures` wrong passwords within
 * `windowMs`, sign-in is locked for `lockMs`, doubling with every further lock in a row (capped),
 * and a correct sign-in after the lock ends clears it. Pure: the caller supplies `now`.
 */
export type LockoutPolicy = { maxFailures: number; windowMs: number; lockMs: number; maxLockMs: number };

export type LockoutState = {
  /** Times of recent wrong passwords, oldest first, within the window. */
  failures: number[];
  lockedUntil: number;
  /** How many locks in a row, for the growing lock duration. */
  locks: number;
};

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = {
  maxFailures: 5,
  windowMs: 15 * 60_000,
  lockMs: 60_000,
  maxLockMs: 60 * 60_000,
};

export const NO_LOCKOUT: LockoutState = { failures: [], lockedUntil: 0, locks: 0 };

/** Milliseconds until sign-in may be tried again; 0 when it may be tried now. */
export function lockoutRemaining(state: LockoutState, now: number): number {
  return Math.max(0, state.lockedUntil - now);
}

/** The state after one more wrong password at `now`. */
export function recordFailure(state: LockoutState, now: number, policy: LockoutPolicy): LockoutState {
  const failures = [...state.failures.filter((t) => now - t < policy.windowMs), now];
  if (failures.length < policy.maxFailures) return { ...state, failures };
  const lockMs = Math.min(policy.maxLockMs, policy.lockMs * 2 ** state.locks);
  return { failures: [], lockedUntil: now + lockMs, locks: state.locks + 1 };
}

/** The state after a correct password: nothing held against the principal. */
export function recordSuccess(): LockoutState {
  return NO_LOCKOUT;
}
