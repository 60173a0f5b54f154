import { isCanonicalHandle } from "@pim/protocol";
import { fromBase64Url, randomId, toBase64Url } from "./encoding.ts";
import { hmacKey, sign, verify } from "./keys.ts";

/**
 * A browser that has signed in as a principal before carries a device cookie for that principal:
 * `d1:<handle>:<deviceId>:<expiresAt>:<mac>`. Sign-in counts its wrong passwords apart from
 * everyone else's, so a stranger's guessing never locks the owner's own browsers out. Its path is
 * the principal's room, so it travels only to that room.
 */
export const DEVICE_COOKIE = "pim_device";

export const DEVICE_TTL_MS = 400 * 24 * 60 * 60 * 1000;

export type DeviceClaims = { handle: string; device: string; expiresAt: number };

function payload(claims: DeviceClaims): string {
  return `d1:${claims.handle}:${claims.device}:${claims.expiresAt}`;
}

/** A device cookie's claims: the same device when the browser already had one, else a new one. */
export function deviceClaims(handle: string, now: number, device: string = randomId(16)): DeviceClaims {
  return { handle, device, expiresAt: now + DEVICE_TTL_MS };
}

export async function issueDeviceToken(secret: string, claims: DeviceClaims): Promise<string> {
  const key = await hmacKey(secret, "device");
  return `${payload(claims)}:${toBase64Url(await sign(key, payload(claims)))}`;
}

/** The claims of a well-formed, correctly signed, unexpired device token; otherwise null. */
export async function readDeviceToken(
  secret: string,
  token: string,
  now: number,
): Promise<DeviceClaims | null> {
  if (token.length > 256) return null;
  const parts = token.split(":");
  if (parts.length !== 5) return null;
  const [version, handle, device, expiresText, macText] = parts as [string, string, string, string, string];
  const expiresAt = Number(expiresText);
  const mac = fromBase64Url(macText);
  if (version !== "d1" || !isCanonicalHandle(handle) || !/^[A-Za-z0-9_-]{22}$/.test(device)) return null;
  if (!Number.isSafeInteger(expiresAt) || !mac) return null;
  const claims = { handle, device, expiresAt };
  if (!(await verify(await hmacKey(secret, "device"), mac, payload(claims)))) return null;
  return expiresAt > now ? claims : null;
}

/** HttpOnly, SameSite=Strict, long-lived, sent only to the principal's own room. */
export function deviceCookie(token: string, handle: string, secure: boolean): string {
  const maxAge = Math.floor(DEVICE_TTL_MS / 1000);
  return `${DEVICE_COOKIE}=${token}; Path=/parties/user/${handle}; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
}

/** The device id of this principal's valid device cookie in the request, if there is one. */
export async function requestDevice(
  secret: string,
  headers: Headers,
  handle: string,
  now: number,
): Promise<string | null> {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name !== DEVICE_COOKIE) continue;
    const claims = await readDeviceToken(secret, rest.join("="), now);
    if (claims?.handle === handle) return claims.device;
  }
  return null;
}
