import type { Context, Next } from "hono";
import { authenticate, originAllowed, type Principal } from "../auth/authenticate.ts";
import { ApiError } from "./api-error.ts";
import type { RoomDeps } from "./room-deps.ts";

/** The routes behind `requirePrincipal` know who is asking. */
export type PrincipalEnv = { Variables: { principal: Principal } };

/**
 * Middleware: the request must carry a live session of this room's principal, and a browser's
 * (cookie) request that changes something must come from the app's own origin.
 */
export function requirePrincipal(deps: RoomDeps) {
  return async (c: Context<PrincipalEnv>, next: Next) => {
    const principal = await authenticate(
      c.req.raw.headers,
      deps.roomId,
      deps.config.secret,
      deps.accounts,
      deps.now(),
    );
    if (
      principal.via === "cookie" &&
      c.req.method !== "GET" &&
      !originAllowed(c.req.raw.headers, c.req.url, deps.config.extraOrigins)
    ) {
      throw new ApiError(403, "forbidden", "Requests must come from the app's own origin.");
    }
    c.set("principal", principal);
    await next();
  };
}
