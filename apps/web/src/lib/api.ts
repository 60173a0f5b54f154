import { canonicalHandle, ErrorBodySchema, type ErrorCode } from "@pim/protocol";
import type { z } from "zod";
import { takeEarlyRead } from "./early-reads.ts";

/** A refusal from the server (or no server at all), with a message for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | "unreachable",
    message: string,
    /** Seconds until a refused request may succeed (lockout, rate limit), when the server says. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** The URL of a route of my own room. */
export function roomPath(handle: string, path: string): string {
  return `/parties/user/${encodeURIComponent(canonicalHandle(handle))}${path}`;
}

type Options = { method?: "GET" | "POST" | "PUT" | "DELETE"; body?: unknown; accept?: string };

/**
 * The one way the SPA talks HTTP: same origin (the session cookie travels by itself), JSON in
 * and out, every answer parsed with its protocol schema, every failure an ApiError in words.
 */
export async function request<S extends z.ZodType>(
  url: string,
  schema: S,
  options: Options = {},
): Promise<z.infer<S>> {
  let response: Response;
  try {
    const early = (options.method ?? "GET") === "GET" && !options.accept ? takeEarlyRead(url) : undefined;
    response = await (early ??
      fetch(url, {
        method: options.method ?? "GET",
        credentials: "same-origin",
        headers: {
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
          ...(options.accept ? { accept: options.accept } : {}),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      }));
  } catch {
    throw new ApiError(
      0,
      "unreachable",
      "The server cannot be reached. Check your connection and try again.",
    );
  }
  let json: unknown = null;
  try {
    json = await response.json();
  } catch {
    // not JSON: handled below
  }
  if (!response.ok) {
    const body = ErrorBodySchema.safeParse(json);
    if (body.success) {
      const { code, message, retryAfter } = body.data.error;
      throw new ApiError(response.status, code, message, retryAfter);
    }
    // Not one of ours: a proxy, a gateway or a crashed worker answered.
    throw new ApiError(
      response.status,
      response.status >= 500 ? "unreachable" : "internal",
      `The server answered ${response.status}. Try again in a moment.`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new ApiError(response.status, "internal", "The server sent something unexpected.");
  return parsed.data;
}
