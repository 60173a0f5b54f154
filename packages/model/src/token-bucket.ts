/** A rate limit as a token bucket: `burst` at once, refilled at `perMinute`. */
export type RatePolicy = { perMinute: number; burst: number };
export type Bucket = { tokens: number; updatedAt: number };

/** SPAM control: one sender to one inbox, and everyone together to one inbox. */
export const SENDER_RATE: RatePolicy = { perMinute: 30, burst: 10 };
export const INBOX_RATE: RatePolicy = { perMinute: 300, burst: 60 };
/** New accounts from one network address: a few at once, then ten an hour (makes mass sign-up slow). */
export const SIGN_UP_RATE: RatePolicy = { perMinute: 10 / 60, burst: 10 };
/** FETCHES one watcher may make of one presentity: enough for a person or a polite poller, a wall for floods. */
export const FETCH_RATE: RatePolicy = { perMinute: 20, burst: 20 };
/** Frames one socket may send: generous for people, a wall for floods. */
export const FRAME_RATE: RatePolicy = { perMinute: 1200, burst: 100 };

export type Take = { ok: true; bucket: Bucket } | { ok: false; bucket: Bucket; retryAfterMs: number };

/** Takes one token at `now`, or says how long until one is there. A clock going back mints nothing. */
export function take(bucket: Bucket | undefined, now: number, policy: RatePolicy): Take {
  const start = bucket ?? { tokens: policy.burst, updatedAt: now };
  const elapsed = Math.max(0, now - start.updatedAt);
  const tokens = Math.min(policy.burst, start.tokens + (elapsed * policy.perMinute) / 60_000);
  const updatedAt = Math.max(now, start.updatedAt);
  if (tokens >= 1) return { ok: true, bucket: { tokens: tokens - 1, updatedAt } };
  return {
    ok: false,
    bucket: { tokens, updatedAt },
    retryAfterMs: Math.ceil(((1 - tokens) * 60_000) / policy.perMinute),
  };
}
