import {
  CHANNEL_IDLE_MS,
  type CoalescePolicy,
  DEFAULT_COALESCE_POLICY,
  DEFAULT_LOCKOUT_POLICY,
  DEFAULT_PRESENCE_POLICY,
  DEFAULT_SOCKET_LIMITS,
  DEFAULT_SUBSCRIBER_LIMITS,
  DEFAULT_WATCHER_POLICY,
  FETCH_RATE,
  FRAME_RATE,
  INBOX_QUOTA,
  INBOX_RATE,
  type InboxQuota,
  type LockoutPolicy,
  type PresencePolicy,
  type RatePolicy,
  SENDER_RATE,
  SIGN_UP_RATE,
  type SocketLimits,
  type SubscriberLimits,
  VIEW_WRITE_DELAY_MS,
  type WatcherPolicy,
} from "@pim/model";

/** What a deployment configures through its environment (partykit `--var`, `.env`, or secrets). */
export type ServerConfig = {
  /** Signs session tokens and room-to-room calls. Required; at least 32 characters. */
  secret: string;
  lockout: LockoutPolicy;
  /** Origins allowed to open a cookie-authenticated socket besides the app's own. */
  extraOrigins: string[];
  /** More fetches than this in an hour flag a watcher as a possible stalker. */
  stalkerPerHour: number;
  /** WATCHER INFORMATION is kept this long, and about at most this many watchers. */
  watcherKeepMs: number;
  maxWatcherRecords: number;
  /** How often a room prunes old watcher information. */
  pruneEveryMs: number;
  /** `LOG_WAKES=1`: each room prints a line when it is built (woken from hibernation, or new). */
  logWakes: boolean;
  /** Messages one sender may send to one inbox, and one inbox may take in all (SPAM control). */
  senderRate: RatePolicy;
  inboxRate: RatePolicy;
  /** Unread bytes people outside the buddy list may leave in an inbox: each, and all together. */
  inboxQuota: InboxQuota;
  /** New accounts from one network address. */
  signUpRate: RatePolicy;
  /** FETCHES one watcher may make of one presentity. */
  fetchRate: RatePolicy;
  /** Frames one tab's socket may send: a flood is refused frame by frame (e2e lifts it). */
  frameRate: RatePolicy;
  /** Subscriptions kept per principal: active, waiting for an answer, refused. */
  subscriberLimits: SubscriberLimits;
  /** Sockets per session and per principal, and how often connecting refreshes every buddy. */
  sockets: SocketLimits;
  /** How long after the last tab closes a presentity turns CLOSED (tests shorten it). */
  presence: PresencePolicy;
  /** How long after a buddy's new view arrives it is written, with any others (decision 13). */
  viewWriteDelayMs: number;
  /** After a notification to a subscriber, further changes wait this long (tests shorten it). */
  coalescing: CoalescePolicy;
  /** A room-to-room NOTIFICATION channel unused this long is closed (decision 28). */
  channelIdleMs: number;
};

const DAY_MS = 24 * 60 * 60_000;

/** The watcher-information policy of this deployment. */
export function watcherPolicy(config: ServerConfig): WatcherPolicy {
  return {
    ...DEFAULT_WATCHER_POLICY,
    stalkerPerHour: config.stalkerPerHour,
    keepMs: config.watcherKeepMs,
    maxRecords: config.maxWatcherRecords,
  };
}

export class ConfigError extends Error {}

function positiveNumber(value: unknown, fallback: number): number {
  const number = Number(value);
  return typeof value === "string" && Number.isFinite(number) && number > 0 ? number : fallback;
}

/** A rate from its two variables (a minute's allowance and the burst), each as `positiveNumber` reads it. */
function ratePolicy(perMinute: unknown, burst: unknown, fallback: RatePolicy): RatePolicy {
  return {
    perMinute: positiveNumber(perMinute, fallback.perMinute),
    burst: positiveNumber(burst, fallback.burst),
  };
}

export function readConfig(env: Record<string, unknown>): ServerConfig {
  const secret = env.SESSION_SECRET;
  if (typeof secret !== "string" || secret.length < 32) {
    throw new ConfigError("SESSION_SECRET must be set to at least 32 random characters.");
  }
  const lockMs = positiveNumber(env.LOCKOUT_MS, DEFAULT_LOCKOUT_POLICY.lockMs);
  return {
    secret,
    lockout: {
      ...DEFAULT_LOCKOUT_POLICY,
      lockMs,
      maxLockMs: Math.max(lockMs, DEFAULT_LOCKOUT_POLICY.maxLockMs),
      maxFailures: positiveNumber(env.LOCKOUT_MAX_FAILURES, DEFAULT_LOCKOUT_POLICY.maxFailures),
      handleMaxFailures: positiveNumber(
        env.LOCKOUT_HANDLE_MAX_FAILURES,
        DEFAULT_LOCKOUT_POLICY.handleMaxFailures,
      ),
      maxTracked: positiveNumber(env.LOCKOUT_MAX_TRACKED, DEFAULT_LOCKOUT_POLICY.maxTracked),
    },
    extraOrigins:
      typeof env.ALLOWED_ORIGINS === "string" ? env.ALLOWED_ORIGINS.split(",").map((o) => o.trim()) : [],
    stalkerPerHour: positiveNumber(env.STALKER_FETCHES_PER_HOUR, DEFAULT_WATCHER_POLICY.stalkerPerHour),
    watcherKeepMs: positiveNumber(env.WATCHER_KEEP_MS, DEFAULT_WATCHER_POLICY.keepMs),
    maxWatcherRecords: positiveNumber(env.MAX_WATCHER_RECORDS, DEFAULT_WATCHER_POLICY.maxRecords),
    pruneEveryMs: positiveNumber(env.WATCHER_PRUNE_EVERY_MS, DAY_MS),
    logWakes: env.LOG_WAKES === "1",
    senderRate: ratePolicy(env.SENDER_RATE_PER_MINUTE, env.SENDER_RATE_BURST, SENDER_RATE),
    inboxRate: ratePolicy(env.INBOX_RATE_PER_MINUTE, env.INBOX_RATE_BURST, INBOX_RATE),
    inboxQuota: {
      perSenderBytes: positiveNumber(env.STRANGER_UNREAD_BYTES_PER_SENDER, INBOX_QUOTA.perSenderBytes),
      strangersBytes: positiveNumber(env.STRANGER_UNREAD_BYTES_TOTAL, INBOX_QUOTA.strangersBytes),
    },
    signUpRate: {
      perMinute: positiveNumber(env.SIGN_UPS_PER_HOUR, SIGN_UP_RATE.perMinute * 60) / 60,
      burst: positiveNumber(env.SIGN_UPS_BURST, SIGN_UP_RATE.burst),
    },
    fetchRate: ratePolicy(env.FETCH_PER_MINUTE, env.FETCH_BURST, FETCH_RATE),
    frameRate: ratePolicy(env.FRAME_RATE_PER_MINUTE, env.FRAME_RATE_BURST, FRAME_RATE),
    subscriberLimits: {
      active: positiveNumber(env.MAX_SUBSCRIBERS, DEFAULT_SUBSCRIBER_LIMITS.active),
      waiting: positiveNumber(env.MAX_WAITING_REQUESTS, DEFAULT_SUBSCRIBER_LIMITS.waiting),
      refused: positiveNumber(env.MAX_REFUSED_KEPT, DEFAULT_SUBSCRIBER_LIMITS.refused),
    },
    sockets: {
      perSession: positiveNumber(env.MAX_SOCKETS_PER_SESSION, DEFAULT_SOCKET_LIMITS.perSession),
      perPrincipal: positiveNumber(env.MAX_SOCKETS_PER_PRINCIPAL, DEFAULT_SOCKET_LIMITS.perPrincipal),
      refreshEveryMs: positiveNumber(env.BUDDY_REFRESH_EVERY_MS, DEFAULT_SOCKET_LIMITS.refreshEveryMs),
    },
    presence: {
      ...DEFAULT_PRESENCE_POLICY,
      graceMs: positiveNumber(env.PRESENCE_GRACE_MS, DEFAULT_PRESENCE_POLICY.graceMs),
    },
    viewWriteDelayMs: positiveNumber(env.VIEW_WRITE_DELAY_MS, VIEW_WRITE_DELAY_MS),
    coalescing: {
      ...DEFAULT_COALESCE_POLICY,
      windowMs: positiveNumber(env.COALESCE_WINDOW_MS, DEFAULT_COALESCE_POLICY.windowMs),
    },
    channelIdleMs: positiveNumber(env.CHANNEL_IDLE_MS, CHANNEL_IDLE_MS),
  };
}
