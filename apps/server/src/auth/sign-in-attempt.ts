import { addressKey, type SignInAttempt } from "@pim/model";
import { clientAddress } from "../rooms/sign-up-gate.ts";
import { requestDevice } from "./device-cookie.ts";
import { toBase64Url } from "./encoding.ts";
import { hmacKey, sign } from "./keys.ts";

/**
 * Who a sign-in comes from, for the lockout: a browser of this principal known by its device
 * cookie, or else its network address (missing locally: one shared address), kept only as a keyed
 * hash so room storage never holds an address.
 */
export async function signInAttempt(
  secret: string,
  headers: Headers,
  handle: string,
  now: number,
): Promise<SignInAttempt> {
  const device = await requestDevice(secret, headers, handle, now);
  if (device) return { kind: "device", device };
  const mac = await sign(await hmacKey(secret, "address"), `lockout:${addressKey(clientAddress(headers))}`);
  return { kind: "address", address: toBase64Url(mac.slice(0, 12)) };
}
