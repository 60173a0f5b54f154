import { describe, expect, it } from "vitest";
import { NoteSchema } from "./presence.ts";

describe("NoteSchema", () => {
  it.each([
    ["plain text", "in a meeting until 15:00"],
    ["emoji and other scripts", "🍜 ランチ — غداء"],
    ["markup, which is only text", "<b>&amp;</b>"],
    ["empty", ""],
  ])("takes %s", (_what, note) => {
    expect(NoteSchema.safeParse(note).success).toBe(true);
  });

  it.each([
    ["a NUL", "lunch\u0000", "control characters"],
    ["a bell", "ding\u0007", "control characters"],
    ["a new line", "two\nlines", "control characters"],
    ["U+FFFE", "odd\uFFFE", "control characters"],
    ["a lone surrogate", "half \uD83C", "valid Unicode"],
    ["a lone low surrogate", "\uDF5C half", "valid Unicode"],
    ["a right-to-left override", "lunch \u202Eemit", "direction of text"],
    ["a left-to-right embedding", "\u202Alunch", "direction of text"],
    ["an isolate", "\u2066lunch\u2069", "direction of text"],
    ["a right-to-left mark", "lunch\u200F", "direction of text"],
    ["an Arabic letter mark", "\u061Clunch", "direction of text"],
  ])("refuses %s, saying why", (_what, note, why) => {
    const parsed = NoteSchema.safeParse(note);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain(why);
  });
});
