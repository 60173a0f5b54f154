import { describe, expect, it } from "vitest";
import { timeAgo } from "./time.ts";

describe("timeAgo", () => {
  it.each([
    { ago: 0, text: "just now" },
    { ago: 59_000, text: "just now" },
    { ago: 5 * 60_000, text: "5 min ago" },
    { ago: 3 * 3_600_000, text: "3 h ago" },
    { ago: -5_000, text: "just now" },
  ])("$ago ms ago: $text", ({ ago, text }) => {
    expect(timeAgo(1_000_000_000 - ago, 1_000_000_000)).toBe(text);
  });
});
