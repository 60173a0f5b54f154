import type { ErrorBody, ErrorCode } from "@pim/protocol";
import { Gone, type Refusal, Unavailable, Unreachable } from "../refusal.ts";
import { API_SECURITY_HEADERS } from "./security-headers.ts";

/** A refusal with its HTTP status and a message for people; turned into a response in one place. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.retryAfter === undefined ? {} : { retryAfter: this.retryAfter }),
      },
    };
  }
}

/** The HTTP status of each code a room refuses with. */
const STATUS_OF_CODE = {
  bad_json: 400,
  invalid: 400,
  too_large: 413,
  unknown_type: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  handle_taken: 409,
  wrong_credentials: 401,
  locked_out: 429,
  rate_limited: 429,
  conflict: 409,
  limit_reached: 409,
  internal: 500,
} as const satisfies { [C in ErrorCode]: number };

/** The HTTP status of a room's refusal: the one place the domain's answers become statuses. */
export function statusOf(refusal: Refusal): number {
  if (refusal instanceof Unreachable) return 502;
  if (refusal instanceof Unavailable) return 503;
  if (refusal instanceof Gone) return 410;
  return STATUS_OF_CODE[refusal.code];
}

/** A refusal as the HTTP layer answers it. */
export function asApiError(error: ApiError | Refusal): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(statusOf(error), error.code, error.message, error.retryAfter);
}

export function errorResponse(refusal: ApiError | Refusal): Response {
  const error = asApiError(refusal);
  const headers: Record<string, string> = { ...API_SECURITY_HEADERS, "content-type": "application/json" };
  if (error.retryAfter !== undefined) headers["retry-after"] = String(error.retryAfter);
  return new Response(JSON.stringify(error.toBody()), { status: error.status, headers });
}
