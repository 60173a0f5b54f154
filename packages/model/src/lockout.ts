/**
 * Guessing defence for one principal's password, without letting a stranger lock the owner out.
 *
 * Wrong passwords are counted per attempt key: a browser that signed in before counts on its own
 * (its signed device cookie), anyone else by network address. After `maxFailures` wrong passwords
 * within `windowMs` that key waits `lockMs`, doubling with every further lock in a row (capped).
 * Wrong passwords from addresses also add up for the whole handle: past `handleMaxFailures` every
 * address waits, which bounds guessing from many addresses; a known device is never held up by
 * what others did. Pure: the caller supplies `now`.
 */
export type LockoutPolicy = {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
  maxLockMs: number;
  /** Wrong passwords from all addresses together before every address waits. */
  handleMaxFailures: number;
  /** Addresses and devices remembered at most; the least recently seen are forgotten first. */
  maxTracked: number;
};

/** One counter: recent wrong passwords and the lock they led to. */
export type LockoutState = {
  /** Times of recent wrong passwords, oldest first, within the window. */
  failures: number[];
  lockedUntil: number;
  /** How many locks in a row, for the growing lock duration. */
  locks: number;
};

/** Who is trying to sign in: a browser known by its device cookie, or anyone from an address. */
export type SignInAttempt = { kind: "device"; device: string } | { kind: "address"; address: string };

/** Everything held against one handle. */
export type SignInGuard = {
  /** Wrong passwords from every address together. */
  handle: LockoutState;
  /** Per attempt key (see `attemptKey`), least recently seen first. */
  tracked: Map<string, TrackedLockout>;
};

export type TrackedLockout = LockoutState & { seen: number };

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = {
  maxFailures: 5,
  windowMs: 15 * 60_000,
  lockMs: 60_000,
  maxLockMs: 60 * 60_000,
  handleMaxFailures: 50,
  maxTracked: 200,
};

export const NO_LOCKOUT: LockoutState = { failures: [], lockedUntil: 0, locks: 0 };

export function emptyGuard(): SignInGuard {
  return { handle: NO_LOCKOUT, tracked: new Map() };
}

/** Milliseconds until sign-in may be tried again; 0 when it may be tried now. */
export function lockoutRemaining(state: LockoutState, now: number): number {
  return Math.max(0, state.lockedUntil - now);
}

/** The state after one more wrong password at `now`, with `maxFailures` as the threshold. */
export function recordFailure(
  state: LockoutState,
  now: number,
  policy: Pick<LockoutPolicy, "maxFailures" | "windowMs" | "lockMs" | "maxLockMs">,
): LockoutState {
  const failures = [...state.failures.filter((t) => now - t < policy.windowMs), now];
  if (failures.length < policy.maxFailures) return { ...state, failures };
  const lockMs = Math.min(policy.maxLockMs, policy.lockMs * 2 ** state.locks);
  return { failures: [], lockedUntil: now + lockMs, locks: state.locks + 1 };
}

/** The state after a correct password: nothing held against the principal. */
export function recordSuccess(): LockoutState {
  return NO_LOCKOUT;
}

/** The key an attempt is counted under; devices and addresses can never collide. */
export function attemptKey(attempt: SignInAttempt): string {
  return attempt.kind === "device" ? `d:${attempt.device}` : `a:${attempt.address}`;
}

/** Milliseconds this attempt must wait before its password is even checked; 0 when it may try now. */
export function signInWait(guard: SignInGuard, attempt: SignInAttempt, now: number): number {
  const own = lockoutRemaining(guard.tracked.get(attemptKey(attempt)) ?? NO_LOCKOUT, now);
  if (attempt.kind === "device") return own;
  return Math.max(own, lockoutRemaining(guard.handle, now));
}

/** The guard after a wrong password from this attempt: its own count, and the handle's for an address. */
export function recordSignInFailure(
  guard: SignInGuard,
  attempt: SignInAttempt,
  now: number,
  policy: LockoutPolicy,
): SignInGuard {
  const key = attemptKey(attempt);
  const tracked = new Map(guard.tracked);
  const own = recordFailure(tracked.get(key) ?? NO_LOCKOUT, now, policy);
  tracked.delete(key); // re-inserted last: the most recently seen
  tracked.set(key, { ...own, seen: now });
  const handle =
    attempt.kind === "address"
      ? recordFailure(guard.handle, now, { ...policy, maxFailures: policy.handleMaxFailures })
      : guard.handle;
  return { handle, tracked: bounded(tracked, now, policy) };
}

/** The guard after a correct password from this attempt: that attempt's count is cleared. */
export function recordSignInSuccess(guard: SignInGuard, attempt: SignInAttempt): SignInGuard {
  const key = attemptKey(attempt);
  if (!guard.tracked.has(key)) return guard;
  const tracked = new Map(guard.tracked);
  tracked.delete(key);
  // The handle's count stays: the owner signing in must not give a guesser a fresh allowance.
  return { handle: guard.handle, tracked };
}

/**
 * Forgets counters that hold nothing any more (no lock, no failure in the window, and quiet
 * long enough that a lock would no longer grow), then the least recently seen past `maxTracked`.
 */
function bounded(tracked: Map<string, TrackedLockout>, now: number, policy: LockoutPolicy) {
  const forgetAfter = Math.max(policy.windowMs, policy.maxLockMs);
  for (const [key, state] of tracked) {
    if (state.lockedUntil <= now && now - state.seen >= forgetAfter) tracked.delete(key);
  }
  for (const key of tracked.keys()) {
    if (tracked.size <= policy.maxTracked) break;
    tracked.delete(key);
  }
  return tracked;
}
