import { canonicalHandle, isCanonicalHandle } from "@pim/protocol";
import { fromBase64Url, randomId, toBase64Url } from "./encoding.ts";
import { hmacKey, sign, verify } from "./keys.ts";

/**
 * A session token: `v1:<handle>:<sessionId>:<expiresAt>:<mac>`. The session id has 128 random
 * bits and is also kept in the principal's room, so a token is revocable; the MAC lets a socket
 * upgrade be refused before it reaches the room. `:` cannot occur in a handle.
 */
export type SessionClaims = { handle: string; sessionId: string; expiresAt: number };

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

function payload(claims: SessionClaims): string {
  return `v1:${claims.handle}:${claims.sessionId}:${claims.expiresAt}`;
}

export function newSessionClaims(handle: string, now: number): SessionClaims {
  return { handle: canonicalHandle(handle), sessionId: randomId(16), expiresAt: now + SESSION_TTL_MS };
}

export async function issueToken(secret: string, claims: SessionClaims): Promise<string> {
  const key = await hmacKey(secret, "session");
  return `${payload(claims)}:${toBase64Url(await sign(key, payload(claims)))}`;
}

/** Returns the claims of a well-formed, correctly signed, unexpired token; otherwise null. */
export async function readToken(secret: string, token: string, now: number): Promise<SessionClaims | null> {
  if (token.length > 256) return null;
  const parts = token.split(":");
  if (parts.length !== 5) return null;
  const [version, handle, sessionId, expiresText, macText] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  const expiresAt = Number(expiresText);
  const mac = fromBase64Url(macText);
  if (version !== "v1" || !isCanonicalHandle(handle) || !/^[A-Za-z0-9_-]{22}$/.test(sessionId)) return null;
  if (!Number.isSafeInteger(expiresAt) || !mac) return null;
  const claims = { handle, sessionId, expiresAt };
  const key = await hmacKey(secret, "session");
  if (!(await verify(key, mac, payload(claims)))) return null;
  return expiresAt > now ? claims : null;
}
