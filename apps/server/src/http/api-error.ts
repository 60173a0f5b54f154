import type { ErrorBody, ErrorCode } from "@pim/protocol";
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

export function errorResponse(error: ApiError): Response {
  const headers: Record<string, string> = { ...API_SECURITY_HEADERS, "content-type": "application/json" };
  if (error.retryAfter !== undefined) headers["retry-after"] = String(error.retryAfter);
  return new Response(JSON.stringify(error.toBody()), { status: error.status, headers });
}
