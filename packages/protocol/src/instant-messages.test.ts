import { describe, expect, it } from "vitest";
import { DeliveryRulesSchema, MessageIdSchema, MessageTextSchema } from "./instant-messages.ts";
import { ClientMessageSchema } from "./socket.ts";

describe("instant message limits", () => {
  it.each([
    { case: "plain text", text: "hello", ok: true },
    { case: "empty", text: "", ok: false },
    { case: "only whitespace", text: "  \n\t ", ok: false },
    { case: "4,000 characters", text: "x".repeat(4000), ok: true },
    { case: "4,001 characters", text: "x".repeat(4001), ok: false },
    { case: "4,000 emoji (16,000 bytes)", text: "😀".repeat(4000), ok: true },
    {
      case: "3,000 four-byte + 1,000 chars > 16,000 bytes? no: 13,000",
      text: "😀".repeat(3000) + "x".repeat(1000),
      ok: true,
    },
    { case: "markup is just text", text: "<img src=x onerror=alert(1)>", ok: true },
  ])("text: $case", ({ text, ok }) => {
    expect(MessageTextSchema.safeParse(text).success).toBe(ok);
  });

  it.each([
    { id: "abcdefgh", ok: true },
    { id: "a1B2-c3_d4", ok: true },
    { id: "short", ok: false },
    { id: "x".repeat(65), ok: false },
    { id: "has space1", ok: false },
    { id: "ünïcode-id", ok: false },
  ])("id $id: $ok", ({ id, ok }) => {
    expect(MessageIdSchema.safeParse(id).success).toBe(ok);
  });

  it("a send frame with an unknown key is refused", () => {
    const frame = { type: "message.send", id: "abcdefgh", to: "bob", text: "hi" };
    expect(ClientMessageSchema.safeParse(frame).success).toBe(true);
    expect(ClientMessageSchema.safeParse({ ...frame, from: "mallory" }).success).toBe(false);
  });

  it("delivery rules refuse unknown choices and keys", () => {
    const good = {
      whoMayWrite: "buddies",
      whileClosed: "refuse",
      alwaysThrough: ["bob"],
      readReceipts: false,
    };
    expect(DeliveryRulesSchema.safeParse(good).success).toBe(true);
    expect(DeliveryRulesSchema.safeParse({ ...good, whoMayWrite: "friends" }).success).toBe(false);
    expect(DeliveryRulesSchema.safeParse({ ...good, extra: 1 }).success).toBe(false);
  });
});
