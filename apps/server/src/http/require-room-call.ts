import { LIMITS } from "@pim/protocol";
import type { Context, Next } from "hono";
import { ROOM_CALL_HEADER, verifyRoomCall } from "../auth/room-call.ts";
import { ApiError } from "./api-error.ts";
import { readBoundedText } from "./read-bounded-text.ts";
import type { RoomDeps } from "./room-deps.ts";

export type RoomCallEnv = { Variables: { caller: string; body: string } };

/**
 * Middleware for /rc/* routes: only another room of this deployment may call them, proven by
 * the signed header over caller, callee, method, path, time and body.
 */
export function requireRoomCall(deps: RoomDeps) {
  return async (c: Context<RoomCallEnv>, next: Next) => {
    const header = c.req.header(ROOM_CALL_HEADER);
    if (!header) throw new ApiError(403, "forbidden", "Only rooms may call this.");
    const body = await readBoundedText(c.req.raw, LIMITS.maxRoomCallBodyBytes);
    const url = new URL(c.req.url);
    const prefix = `/parties/user/${deps.roomId}`;
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
    const caller = await verifyRoomCall(
      deps.config.secret,
      header,
      { to: deps.roomId, method: c.req.method, path, body },
      deps.now(),
    );
    if (!caller) throw new ApiError(403, "forbidden", "The room-to-room call is not valid.");
    c.set("caller", caller);
    c.set("body", body);
    await next();
  };
}
