import { describe, expect, it } from "vitest";
import { canonicalHandle, HandleSchema, inboxAddress, isCanonicalHandle, PasswordSchema } from "./handle.ts";

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
  ])("$handle is valid: $valid", ({ handle, valid }) => {
    expect(HandleSchema.safeParse(handle).success).toBe(valid);
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
