import { DEFAULT_LOCKOUT_POLICY, type LockoutPolicy } from "@pim/model";

/** What a deployment configures through its environment (partykit `--var`, `.env`, or secrets). */
export type ServerConfig = {
  /** Signs session tokens and room-to-room calls. Required; at least 32 characters. */
  secret: string;
  lockout: LockoutPolicy;
  /** Origins allowed to open a cookie-authenticated socket besides the app's own. */
  extraOrigins: string[];
};

export class ConfigError extends Error {}

function positiveNumber(value: unknown, fallback: number): number {
  const number = Number(value);
  return typeof value === "string" && Number.isFinite(number) && number > 0 ? number : fallback;
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
    },
    extraOrigins:
      typeof env.ALLOWED_ORIGINS === "string" ? env.ALLOWED_ORIGINS.split(",").map((o) => o.trim()) : [],
  };
}
