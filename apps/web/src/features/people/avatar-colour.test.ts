import { describe, expect, it } from "vitest";
import { avatarHue, initials } from "./avatar-colour.ts";

describe("avatarHue", () => {
  it("is the same for the same handle and spreads different ones", () => {
    expect(avatarHue("alice")).toBe(avatarHue("alice"));
    const hues = new Set(["alice", "bob", "carol", "dave", "erin", "frank"].map(avatarHue));
    expect(hues.size).toBeGreaterThan(4);
    for (const hue of hues) expect(hue).toBeGreaterThanOrEqual(0);
  });
});

describe("initials", () => {
  it.each([
    ["alice", "AL"],
    ["mary.jane", "MJ"],
    ["bob-42", "B4"],
    ["x_", "X"],
  ])("%s → %s", (handle, expected) => {
    expect(initials(handle)).toBe(expected);
  });
});
