const encoder = new TextEncoder();

/** What a derived key may be used for: one secret, separate keys per purpose. */
export type KeyPurpose = "session" | "room-call" | "address" | "device";

const cache = new Map<string, Promise<CryptoKey>>();

/**
 * An HMAC-SHA256 key for one purpose, derived from the deployment's secret (`SESSION_SECRET`
 * from the environment; never from the repo). Cached per isolate.
 */
export function hmacKey(secret: string, purpose: KeyPurpose): Promise<CryptoKey> {
  const cacheKey = `${purpose}\u0000${secret}`;
  let key = cache.get(cacheKey);
  if (!key) {
    key = (async () => {
      const master = await crypto.subtle.importKey(
        "raw",
        encoder.encode(secret),
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign"],
      );
      const derived = await crypto.subtle.sign("HMAC", master, encoder.encode(`pim/${purpose}/v1`));
      return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
        "verify",
      ]);
    })();
    cache.set(cacheKey, key);
  }
  return key;
}

export async function sign(key: CryptoKey, data: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(data)));
}

/** HMAC verification by the platform, which compares in constant time. */
export function verify(key: CryptoKey, signature: Uint8Array<ArrayBuffer>, data: string): Promise<boolean> {
  return crypto.subtle.verify("HMAC", key, signature, encoder.encode(data));
}
