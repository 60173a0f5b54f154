import {
  ErrorBodySchema,
  type ErrorCode,
  parseWith,
  ROOM_CALLS,
  type RoomCallName,
  type RoomCallReply,
} from "@pim/protocol";
import { Refusal, Unreachable } from "../refusal.ts";

/**
 * How a room call can fail, named once: no such principal (404), not wanted any more (410),
 * refused by the other room with its reason (another 4xx), unreachable (it threw, or a 5xx),
 * or a reply its schema refuses.
 */
export type RoomCallFailure =
  | { ok: false; failure: "no_such_principal" }
  | { ok: false; failure: "gone" }
  | { ok: false; failure: "refused"; code: ErrorCode; message: string; retryAfter?: number }
  | { ok: false; failure: "unreachable" }
  | { ok: false; failure: "bad_reply" };

/** A room call's parsed reply, or why there is none. */
export type RoomCallResult<K extends RoomCallName> = { ok: true; reply: RoomCallReply<K> } | RoomCallFailure;

/** Reads the answer to a room call: the one place statuses and bodies of other rooms are read. */
export function readRoomReply<K extends RoomCallName>(
  name: K,
  status: number,
  text: string,
): RoomCallResult<K> {
  if (status === 404) return { ok: false, failure: "no_such_principal" };
  if (status === 410) return { ok: false, failure: "gone" };
  const json = parseJsonOrNull(text);
  if (status >= 400) {
    const error = parseWith(ErrorBodySchema, json);
    if (status >= 500 || !error.ok) return { ok: false, failure: "unreachable" };
    const { code, message, retryAfter } = error.value.error;
    return {
      ok: false,
      failure: "refused",
      code,
      message,
      ...(retryAfter === undefined ? {} : { retryAfter }),
    };
  }
  const parsed = parseWith(ROOM_CALLS[name].reply, json);
  if (!parsed.ok) return { ok: false, failure: "bad_reply" };
  return { ok: true, reply: parsed.value as RoomCallReply<K> };
}

function parseJsonOrNull(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** The one wording for handles no principal has. */
export function noOneHas(handles: string | readonly string[]): string {
  return `No one has the handle ${typeof handles === "string" ? handles : handles.join(", ")}.`;
}

/**
 * A failed call as the person who asked is told: no such principal, the other room's own
 * refusal, or "their room could not answer".
 */
export function refusalOf(failure: RoomCallFailure, to: string): Refusal {
  switch (failure.failure) {
    case "no_such_principal":
      return new Refusal("not_found", noOneHas(to));
    case "refused":
      return new Refusal(failure.code, failure.message, failure.retryAfter);
    case "gone":
    case "unreachable":
    case "bad_reply":
      return new Unreachable();
    default: {
      const unknown: never = failure;
      throw new Error(`unhandled room-call failure ${JSON.stringify(unknown)}`);
    }
  }
}
