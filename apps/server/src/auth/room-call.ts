import { isCanonicalHandle } from "@pim/protocol";
import { fromBase64Url, toBase64Url } from "./encoding.ts";
import { hmacKey, sign, verify } from "./keys.ts";

/**
 * Room-to-room calls: a room acting for its principal calls another principal's room
 * (subscriptions, notifications, message delivery). The call carries this header, an HMAC over
 * who calls whom, what and when, keyed by the deployment secret. A browser cannot make one:
 * it lacks the key, and `onBeforeRequest` refuses the header from outside altogether.
 */
export const ROOM_CALL_HEADER = "x-pim-room-call";

/** How long a signed call stays valid: covers clock skew between edge locations. */
export const ROOM_CALL_MAX_AGE_MS = 60_000;

export type RoomCall = { from: string; to: string; method: string; path: string; body: string };

const encoder = new TextEncoder();

async function digest(body: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(body))));
}

async function canonical(call: RoomCall, timestamp: number): Promise<string> {
  return [call.from, call.to, call.method.toUpperCase(), call.path, timestamp, await digest(call.body)].join(
    "\n",
  );
}

/** The header value proving `call` comes from room `call.from`. */
export async function signRoomCall(secret: string, call: RoomCall, now: number): Promise<string> {
  const key = await hmacKey(secret, "room-call");
  const mac = await sign(key, await canonical(call, now));
  return `${call.from}:${now}:${toBase64Url(mac)}`;
}

/** The calling room's id when `header` is a fresh, valid proof for this call; otherwise null. */
export async function verifyRoomCall(
  secret: string,
  header: string,
  call: Omit<RoomCall, "from">,
  now: number,
): Promise<string | null> {
  const parts = header.split(":");
  if (parts.length !== 3) return null;
  const [from, timestampText, macText] = parts as [string, string, string];
  const timestamp = Number(timestampText);
  const mac = fromBase64Url(macText);
  if (!isCanonicalHandle(from) || !Number.isSafeInteger(timestamp) || !mac) return null;
  if (Math.abs(now - timestamp) > ROOM_CALL_MAX_AGE_MS) return null;
  const key = await hmacKey(secret, "room-call");
  return (await verify(key, mac, await canonical({ ...call, from }, timestamp))) ? from : null;
}
