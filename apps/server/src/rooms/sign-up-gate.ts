import { addressKey } from "@pim/model";
import type * as Party from "partykit/server";
import { toBase64Url } from "../auth/encoding.ts";
import { hmacKey, sign } from "../auth/keys.ts";
import { ApiError } from "../http/api-error.ts";
import { callRoom } from "./room-client.ts";

/** The path the gate answers; signed like every room-to-room call. */
export const GATE_TAKE_PATH = "/take";

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
 * Asks the sign-up gate of the request's address for one new account; refuses with 429 and
 * how long to wait when that address has made too many lately.
 */
export async function admitSignUp(
  parties: Party.Context["parties"],
  secret: string,
  from: string,
  headers: Headers,
): Promise<void> {
  const to = await gateRoomId(secret, clientAddress(headers));
  const reply = await callRoom(parties, "signups", secret, from, to, GATE_TAKE_PATH, {});
  if (reply.status === 200) return;
  const answer = reply.body as { retryAfter?: unknown } | null;
  if (reply.status !== 429 || typeof answer?.retryAfter !== "number") {
    throw new ApiError(503, "internal", "Sign-up is not available just now. Try again in a moment.");
  }
  const minutes = Math.max(1, Math.ceil(answer.retryAfter / 60));
  throw new ApiError(
    429,
    "rate_limited",
    `Too many new accounts from your network lately. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    answer.retryAfter,
  );
}
