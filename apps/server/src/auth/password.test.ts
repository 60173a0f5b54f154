import { describe, expect, it } from "vitest";
import { DECOY_HASH, hashPassword, PASSWORD_HASH, verifyPassword } from "./password.ts";

describe("password hashing", () => {
  it("verifies the right password and refuses others", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(stored).toMatch(new RegExp(`^pbkdf2-sha256\\$${PASSWORD_HASH.iterations}\\$`));
    expect(stored).not.toContain("correct horse");
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterz", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("salts: the same password hashes differently each time", async () => {
    expect(await hashPassword("same password")).not.toBe(await hashPassword("same password"));
  });

  it("stays within the Workers cap of 100,000 PBKDF2 iterations", () => {
    expect(PASSWORD_HASH.iterations).toBeLessThanOrEqual(100_000);
  });

  it.each([
    "",
    "plain-text-password",
    "pbkdf2-sha256$abc$AAAA$AAAA",
    "pbkdf2-sha256$0$AAAA$AAAA",
    "md5$1000$AAAA$AAAA",
    "pbkdf2-sha256$1000$!!$AAAA",
  ])("refuses a malformed stored hash %j", async (stored) => {
    expect(await verifyPassword("anything at all", stored)).toBe(false);
  });

  it("the decoy hash matches no password", async () => {
    expect(await verifyPassword("", DECOY_HASH)).toBe(false);
    expect(await verifyPassword("password", DECOY_HASH)).toBe(false);
  });
});
