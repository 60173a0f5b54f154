import { describe, expect, it } from "vitest";
import {
  asHandle,
  CanonicalHandleSchema,
  canonicalHandle,
  HandleSchema,
  inboxAddress,
  isCanonicalHandle,
  isReservedHandle,
  PasswordSchema,
} from "./handle.ts";

describe("handles", () => {
  it.each([
    { handle: "abc", valid: true },
    { handle: "Alice.Smith_1-2", valid: true },
    { handle: "a".repeat(32), valid: true },
    { handle: "ab", valid: false },
    { handle: "a".repeat(33), valid: false },
    { handle: "has space", valid: false },
    { handle: "colon:in", valid: false },
    { handle: "slash/in", valid: false },
    { handle: "émile", valid: false },
    { handle: "", valid: false },
    { handle: "a.b", valid: true },
    { handle: "1-9", valid: true },
    { handle: "...", valid: false },
    { handle: "_x1", valid: false },
    { handle: "x1_", valid: false },
    { handle: "-ab", valid: false },
    { handle: "ab.", valid: false },
    { handle: "__proto__", valid: false },
    { handle: "constructor", valid: false },
    { handle: "Constructor", valid: false },
    { handle: "ADMIN", valid: false },
    { handle: "admins", valid: true },
    { handle: "pim", valid: false },
    { handle: "pim-team", valid: true },
  ])("$handle is valid: $valid", ({ handle, valid }) => {
    expect(HandleSchema.safeParse(handle).success).toBe(valid);
  });

  it.each([
    { handle: "_x1", message: "A handle starts and ends with a letter or a digit." },
    { handle: "...", message: "A handle starts and ends with a letter or a digit." },
    { handle: "support", message: "That handle is reserved." },
    { handle: "Undefined", message: "That handle is reserved." },
    { handle: "__proto__", message: "A handle starts and ends with a letter or a digit." },
    { handle: "-bob smith!", message: "A handle may use only letters, digits, '.', '_' and '-'." },
  ])("$handle is refused with: $message", ({ handle, message }) => {
    const parsed = HandleSchema.safeParse(handle);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message)).toEqual([message]);
  });

  it("reserves every name on Object.prototype, and the words that read as the system", () => {
    for (const name of [...Object.getOwnPropertyNames(Object.prototype), "prototype"]) {
      expect(isReservedHandle(name), name).toBe(true);
    }
    const words =
      "admin administrator root system support security help api null undefined anonymous everyone me pim";
    for (const word of words.split(" ")) expect(isReservedHandle(word), word).toBe(true);
  });

  it("folds case for identity and addresses", () => {
    expect(canonicalHandle("Alice")).toBe("alice");
    expect(isCanonicalHandle("alice")).toBe(true);
    expect(isCanonicalHandle("Alice")).toBe(false);
    expect(isCanonicalHandle("a b")).toBe(false);
    expect(inboxAddress("Alice")).toBe("im:alice");
  });

  it.each([
    { password: "1234567", valid: false },
    { password: "12345678", valid: true },
    { password: "x".repeat(256), valid: true },
    { password: "x".repeat(257), valid: false },
  ])("password of $password.length characters is valid: $valid", ({ password, valid }) => {
    expect(PasswordSchema.safeParse(password).success).toBe(valid);
  });
});

describe("CanonicalHandleSchema: a handle parsed at the edge", () => {
  it.each([
    { input: "Alice", output: "alice" },
    { input: "bob.smith", output: "bob.smith" },
    { input: "CAROL_9", output: "carol_9" },
  ])("$input becomes $output", ({ input, output }) => {
    expect(CanonicalHandleSchema.parse(input)).toBe(output);
  });

  it.each(["a b", "Constructor", "__proto__", "-dash", "x"])("refuses %s as HandleSchema does", (input) => {
    expect(CanonicalHandleSchema.safeParse(input).success).toBe(false);
    expect(HandleSchema.safeParse(input).success).toBe(false);
  });

  it("asHandle takes only what is already canonical", () => {
    expect(asHandle("alice")).toBe("alice");
    expect(asHandle("Alice")).toBeUndefined();
  });
});
