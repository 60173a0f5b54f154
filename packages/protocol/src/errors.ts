import { z } from "zod";

/**
 * Every error the service names, on HTTP and on sockets. Clients switch on the code
 * and show the message; the message is for people.
 */
export const ErrorCodeSchema = z.enum([
  "bad_json",
  "invalid",
  "too_large",
  "unknown_type",
  "unauthorized",
  "forbidden",
  "not_found",
  "handle_taken",
  "wrong_credentials",
  "locked_out",
  "rate_limited",
  "conflict",
  "limit_reached",
  "internal",
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** The body of every HTTP error response. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    /** Seconds until a refused request may succeed (lockout, rate limit). */
    retryAfter: z.number().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Socket close codes (4000-4999 are the application's own). */
export const CLOSE_CODES = {
  /** No valid session, or the session was revoked. */
  unauthorized: 4401,
  /** A valid session, but of another principal, or a foreign origin. */
  forbidden: 4403,
  /** A frame over the size limit. */
  tooLarge: 1009,
  /** Too many sockets open for the session or the principal; the reason says which limit. */
  tooManySockets: 4429,
  /** Something failed on the server's side; the tab reconnects. */
  internal: 1011,
} as const;
