import type { ChosenState } from "@pim/protocol";
import { SetPresenceSchema } from "@pim/protocol";
import { describe, expect, it } from "vitest";
import { validateChosenUpdate } from "./presence-input.ts";

const NOW = 1_000;
const base: ChosenState = { availability: "available", invisible: false, note: "old", noteExpiresAt: 5_000 };

describe("validateChosenUpdate", () => {
  it.each([
    {
      case: "availability",
      update: { availability: "busy" as const },
      expected: { ...base, availability: "busy" },
    },
    { case: "invisible", update: { invisible: true }, expected: { ...base, invisible: true } },
    {
      case: "a new note drops the old expiry",
      update: { note: "new" },
      expected: { availability: "available", invisible: false, note: "new" },
    },
    {
      case: "a note with its expiry",
      update: { note: "new", noteExpiresAt: 2_000 },
      expected: { ...base, note: "new", noteExpiresAt: 2_000 },
    },
    {
      case: "null clears the note",
      update: { note: null },
      expected: { availability: "available", invisible: false },
    },
    {
      case: "an empty note clears it",
      update: { note: "  " },
      expected: { availability: "available", invisible: false },
    },
    {
      case: "null clears the expiry",
      update: { noteExpiresAt: null },
      expected: { availability: "available", invisible: false, note: "old" },
    },
    { case: "markup", update: { markup: { emoji: "🎧" } }, expected: { ...base, markup: { emoji: "🎧" } } },
    { case: "nothing", update: {}, expected: base },
  ])("applies $case", ({ update, expected }) => {
    expect(validateChosenUpdate(base, update, NOW)).toEqual({ ok: true, chosen: expected });
  });

  it.each([
    { case: "an expiry in the past", current: base, update: { noteExpiresAt: NOW - 1 }, message: /past/ },
    { case: "an expiry of now", current: base, update: { noteExpiresAt: NOW }, message: /past/ },
    {
      case: "an expiry with no note",
      current: { availability: "available" as const, invisible: false },
      update: { noteExpiresAt: NOW + 10 },
      message: /needs a note/,
    },
  ])("refuses $case", ({ current, update, message }) => {
    const result = validateChosenUpdate(current, update, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe("SetPresenceSchema bounds", () => {
  it.each([
    { case: "a note of 140 characters", body: { note: "x".repeat(140) }, valid: true },
    { case: "a note of 141 characters", body: { note: "x".repeat(141) }, valid: false },
    { case: "an unknown availability", body: { availability: "asleep" }, valid: false },
    { case: "an unknown field", body: { mood: "happy" }, valid: false },
    {
      case: "16 markup keys",
      body: { markup: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, i])) },
      valid: true,
    },
    {
      case: "17 markup keys",
      body: { markup: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i])) },
      valid: false,
    },
    {
      case: "markup over 1 KiB",
      body: { markup: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, "v".repeat(120)])) },
      valid: false,
    },
    { case: "a nested markup value", body: { markup: { a: { b: 1 } } }, valid: false },
  ])("$case is valid: $valid", ({ body, valid }) => {
    expect(SetPresenceSchema.safeParse(body).success).toBe(valid);
  });
});
