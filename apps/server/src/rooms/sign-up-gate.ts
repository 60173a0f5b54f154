import { addressKey } from "@pim/model";
import { toBase64Url } from "../auth/encoding.ts";
import { hmacKey, sign } from "../auth/keys.ts";
import { Refusal, Unavailable } from "../refusal.ts";
import type { RoomClient } from "./room-client.ts";

/**
 * The network address a request came from: Cloudflare sets `cf-connecting-ip` on every request
 * and overwrites any a client sent. Local `partykit dev` sets none, so there every sign-up
 * counts against one shared address.
 */
export function clientAddress(headers: Headers): string {
  return headers.get("cf-connecting-ip")?.trim() || "local";
}

/**
 * The gate room for an address: a keyed hash, so no address is ever stored or shown, and one
 * cannot be found by hashing guesses without the deployment's secret.
 */
export async function gateRoomId(secret: string, address: string): Promise<string> {
  const mac = await sign(await hmacKey(secret, "address"), addressKey(address));
  return toBase64Url(mac.slice(0, 16)).replace(/[^A-Za-z0-9]/g, "x");
}

/**
 * Asks the sign-up gate of the request's address for one new account; refuses (rate limited)
 * with how long to wait when that address has made too many lately.
 */
export async function admitSignUp(rooms: RoomClient, secret: string, headers: Headers): Promise<void> {
  const to = await gateRoomId(secret, clientAddress(headers));
  const result = await rooms.call("take", to, {});
  if (!result.ok) throw new Unavailable("Sign-up is not available just now. Try again in a moment.");
  if (result.reply.ok) return;
  const { retryAfter } = result.reply;
  const minutes = Math.max(1, Math.ceil(retryAfter / 60));
  throw new Refusal(
    "rate_limited",
    `Too many new accounts from your network lately. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    retryAfter,
  );
}
