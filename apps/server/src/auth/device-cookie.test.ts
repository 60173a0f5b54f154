import { describe, expect, it } from "vitest";
import {
  DEVICE_TTL_MS,
  deviceClaims,
  deviceCookie,
  issueDeviceToken,
  readDeviceToken,
  requestDevice,
} from "./device-cookie.ts";

const secret = "s".repeat(64);
const now = 1_700_000_000_000;

describe("device cookies", () => {
  it("round-trip, and keep a device's id when renewed", async () => {
    const claims = deviceClaims("alice", now);
    expect(claims.device).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await readDeviceToken(secret, await issueDeviceToken(secret, claims), now)).toEqual(claims);
    expect(deviceClaims("alice", now + 5, claims.device).device).toBe(claims.device);
  });

  it.each([
    { case: "another secret", mutate: (t: string) => t, key: "t".repeat(64), at: now },
    { case: "expired", mutate: (t: string) => t, key: secret, at: now + DEVICE_TTL_MS },
    {
      case: "handle swapped",
      mutate: (t: string) => t.replace("d1:alice:", "d1:mallory:"),
      key: secret,
      at: now,
    },
    {
      case: "a session token's version",
      mutate: (t: string) => t.replace("d1:", "v1:"),
      key: secret,
      at: now,
    },
    { case: "truncated", mutate: (t: string) => t.slice(0, -3), key: secret, at: now },
    { case: "garbage", mutate: () => "x:y", key: secret, at: now },
  ])("refuses $case", async ({ mutate, key, at }) => {
    const token = await issueDeviceToken(secret, deviceClaims("alice", now));
    expect(await readDeviceToken(key, mutate(token), at)).toBeNull();
  });

  it("is found in a request only for its own principal", async () => {
    const claims = deviceClaims("alice", now);
    const token = await issueDeviceToken(secret, claims);
    const headers = new Headers({ cookie: `pim_session=abc; pim_device=${token}` });
    expect(await requestDevice(secret, headers, "alice", now)).toBe(claims.device);
    expect(await requestDevice(secret, headers, "bob", now)).toBeNull();
    expect(await requestDevice(secret, new Headers(), "alice", now)).toBeNull();
  });

  it("is HttpOnly, SameSite=Strict, long-lived and scoped to the principal's room", () => {
    const cookie = deviceCookie("t", "alice", true);
    expect(cookie).toMatch(
      /^pim_device=t; Path=\/parties\/user\/alice; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/,
    );
    expect(Number(/Max-Age=(\d+)/.exec(cookie)?.[1])).toBeGreaterThan(300 * 24 * 60 * 60);
  });
});
