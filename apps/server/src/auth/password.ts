import { fromBase64Url, timingSafeEqual, toBase64Url } from "./encoding.ts";

/**
 * PBKDF2-HMAC-SHA256 at 100,000 iterations: the most Cloudflare Workers allow (the deployed
 * runtime refuses more), with a 128-bit random salt and a 256-bit result. The stored form names
 * its parameters, so a later, stronger scheme can be rolled out on sign-in. See README.
 */
export const PASSWORD_HASH = { iterations: 100_000, saltBytes: 16, hashBits: 256 } as const;

const encoder = new TextEncoder();

async function derive(
  password: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt.slice().buffer, iterations },
    key,
    PASSWORD_HASH.hashBits,
  );
  return new Uint8Array(bits);
}

/** Hashes a password to `pbkdf2-sha256$<iterations>$<salt>$<hash>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(PASSWORD_HASH.saltBytes));
  const hash = await derive(password, salt, PASSWORD_HASH.iterations);
  return `pbkdf2-sha256$${PASSWORD_HASH.iterations}$${toBase64Url(salt)}$${toBase64Url(hash)}`;
}

/** Checks a password against a stored hash, comparing in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterationsText, saltText, hashText] = stored.split("$");
  const iterations = Number(iterationsText);
  const salt = fromBase64Url(saltText ?? "");
  const expected = fromBase64Url(hashText ?? "");
  if (scheme !== "pbkdf2-sha256" || !Number.isInteger(iterations) || iterations < 1 || !salt || !expected) {
    return false;
  }
  const actual = await derive(password, salt, iterations);
  return timingSafeEqual(actual, expected);
}

/** A hash of nothing in particular, verified against when a handle has no account, so that
 * "no such principal" takes as long as "wrong password". */
export const DECOY_HASH = `pbkdf2-sha256$${PASSWORD_HASH.iterations}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
