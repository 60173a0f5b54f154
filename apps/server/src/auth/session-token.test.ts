import { describe, expect, it } from "vitest";
import { issueToken, newSessionClaims, readToken, SESSION_TTL_MS } from "./session-token.ts";

const secret = "s".repeat(64);
const now = 1_700_000_000_000;

describe("session tokens", () => {
  it("round-trips claims, with 128 random bits of session id", async () => {
    const claims = newSessionClaims("Alice", now);
    expect(claims.handle).toBe("alice");
    expect(claims.expiresAt).toBe(now + SESSION_TTL_MS);
    expect(claims.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/); // 16 bytes
    const token = await issueToken(secret, claims);
    expect(await readToken(secret, token, now)).toEqual(claims);
  });

  it("gives different sessions different ids", () => {
    const ids = new Set(Array.from({ length: 100 }, () => newSessionClaims("a-b", now).sessionId));
    expect(ids.size).toBe(100);
  });

  it.each([
    { case: "another secret", mutate: async (t: string) => t, secret: "t".repeat(64), at: now },
    { case: "expired", mutate: async (t: string) => t, secret, at: now + SESSION_TTL_MS },
    {
      case: "handle swapped",
      mutate: async (t: string) => t.replace("v1:alice:", "v1:mallory:"),
      secret,
      at: now,
    },
    {
      case: "expiry extended",
      mutate: async (t: string) => t.replace(/:(\d+):/, ":99999999999999:"),
      secret,
      at: now,
    },
    { case: "mac cut", mutate: async (t: string) => t.slice(0, -4), secret, at: now },
    { case: "extra part", mutate: async (t: string) => `${t}:x`, secret, at: now },
    { case: "empty", mutate: async () => "", secret, at: now },
    { case: "too long", mutate: async (t: string) => t + "A".repeat(300), secret, at: now },
    {
      case: "non-canonical handle",
      mutate: async (t: string) => t.replace("v1:alice:", "v1:Alice:"),
      secret,
      at: now,
    },
  ])("refuses a token: $case", async ({ mutate, secret: readSecret, at }) => {
    const token = await issueToken(secret, newSessionClaims("alice", now));
    expect(await readToken(readSecret, await mutate(token), at)).toBeNull();
  });
});
