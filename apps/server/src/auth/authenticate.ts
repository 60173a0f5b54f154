import { ApiError } from "../http/api-error.ts";
import type { AccountStore, SessionRecord } from "../store/account-store.ts";
import { requestToken } from "./cookie.ts";
import { readToken } from "./session-token.ts";

/** Who is making a request or holding a socket: always the principal whose room this is. */
export type Principal = { handle: string; session: SessionRecord; via: "bearer" | "cookie" };

/**
 * Checks a request's session against this room: a valid signature, this room's principal,
 * and a session the room still holds (not signed out, not expired).
 */
export async function authenticate(
  headers: Headers,
  roomId: string,
  secret: string,
  store: AccountStore,
  now: number,
): Promise<Principal> {
  const carried = requestToken(headers);
  if (!carried) throw new ApiError(401, "unauthorized", "Sign in first.");
  const claims = await readToken(secret, carried.token, now);
  if (!claims) throw new ApiError(401, "unauthorized", "Your session is not valid. Sign in again.");
  if (claims.handle !== roomId)
    throw new ApiError(403, "forbidden", "This session belongs to another principal.");
  const session = await store.session(claims.sessionId);
  if (!session || session.expiresAt <= now) {
    throw new ApiError(401, "unauthorized", "Your session has ended. Sign in again.");
  }
  return { handle: claims.handle, session, via: carried.via };
}

/**
 * A browser's cookie travels with any request to our origin, even one a foreign page starts;
 * so a cookie-authenticated socket or state change must come from the app's own origin.
 */
export function originAllowed(headers: Headers, url: string, extraOrigins: string[]): boolean {
  const origin = headers.get("origin");
  if (origin === null) return true; // not a browser: browsers always send Origin on these requests
  return origin === new URL(url).origin || extraOrigins.includes(origin);
}
