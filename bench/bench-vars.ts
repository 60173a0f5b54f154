/**
 * The server's environment under benchmark. The load generator is one client sending for
 * hundreds of people: rate limits and lockouts would measure themselves.
 */
export const BENCH_VARS: Record<string, string> = {
  LOCKOUT_MS: "60000",
  SENDER_RATE_PER_MINUTE: "1000000",
  SENDER_RATE_BURST: "100000",
  INBOX_RATE_PER_MINUTE: "1000000",
  INBOX_RATE_BURST: "100000",
};
