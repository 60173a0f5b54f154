import { describe, expect, it } from "vitest";
import { UPGRADE_URL_MAX_LENGTH, upgradeAddressRefusal } from "./upgrade.ts";

const base = "http://localhost:1999/parties/user/alice";

describe("upgradeAddressRefusal", () => {
  it.each([
    { case: "no socket id (PartyKit makes one)", url: `${base}?device=Laptop`, code: null },
    { case: "partysocket's uuid", url: `${base}?_pk=0b7c6f1e-2c1a-4e8e-9f3a-1a2b3c4d5e6f`, code: null },
    { case: "64 characters", url: `${base}?_pk=${"a".repeat(64)}`, code: null },
    { case: "65 characters", url: `${base}?_pk=${"a".repeat(65)}`, code: "invalid" },
    { case: "an empty id", url: `${base}?_pk=`, code: "invalid" },
    { case: "a space", url: `${base}?_pk=a%20b`, code: "invalid" },
    { case: "a slash", url: `${base}?_pk=a%2Fb`, code: "invalid" },
    {
      case: "an address too long",
      url: `${base}?device=${"x".repeat(UPGRADE_URL_MAX_LENGTH)}`,
      code: "too_large",
    },
  ])("$case: $code", ({ url, code }) => {
    expect(upgradeAddressRefusal(url)?.code ?? null).toBe(code);
  });
});
