import { describe, expect, it } from "vitest";
import { BIDI_CONTROL, cleanDeviceLabel } from "./bidi.ts";

describe("cleanDeviceLabel", () => {
  it.each([
    { case: "plain", raw: "Firefox on Linux", label: "Firefox on Linux" },
    { case: "spaces around", raw: "  Phone  ", label: "Phone" },
    { case: "control characters", raw: "Pho\u0000ne\n", label: "Phone" },
    { case: "a right-to-left override", raw: "Phone\u202Egnp.exe", label: "Phonegnp.exe" },
    { case: "every embedding and override", raw: "a\u202Ab\u202Bc\u202Cd\u202De\u202Ef", label: "abcdef" },
    { case: "isolates", raw: "\u2066a\u2067b\u2068c\u2069", label: "abc" },
    { case: "direction marks", raw: "a\u200Eb\u200Fc\u061Cd", label: "abcd" },
    { case: "other scripts stay", raw: "هاتف 📱", label: "هاتف 📱" },
    { case: "only removed characters", raw: "\u202E\u2066 ", label: "" },
    { case: "too long", raw: "x".repeat(100), label: "x".repeat(64) },
    { case: "never half a character", raw: `${"x".repeat(63)}📱`, label: "x".repeat(63) },
  ])("$case", ({ raw, label }) => {
    expect(cleanDeviceLabel(raw)).toBe(label);
  });

  it("finds every bidirectional control", () => {
    const controls = [
      0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
    ];
    for (const code of controls)
      expect(BIDI_CONTROL.test(String.fromCodePoint(code)), code.toString(16)).toBe(true);
    expect(BIDI_CONTROL.test("plain עברית text")).toBe(false);
  });
});
