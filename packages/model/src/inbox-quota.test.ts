import { describe, expect, it } from "vitest";
import { decideInboxQuota, INBOX_QUOTA, type InboxQuota, type QuotaContext } from "./inbox-quota.ts";

const quota: InboxQuota = { perSenderBytes: 100, strangersBytes: 250 };
const empty: QuotaContext = {
  senderIsBuddy: false,
  senderUnreadBytes: 0,
  strangersUnreadBytes: 0,
  messageBytes: 10,
};
const ok = { ok: true };
const senderFull = { ok: false, full: "sender" };
const strangersFull = { ok: false, full: "strangers" };

describe("decideInboxQuota: each quota, at and past its edge, buddies and bad counts", () => {
  it.each<{ case: string; context: Partial<QuotaContext>; expected: object }>([
    { case: "an empty inbox", context: {}, expected: ok },
    {
      case: "this message fills the sender's quota exactly",
      context: { senderUnreadBytes: 90 },
      expected: ok,
    },
    { case: "one byte past the sender's quota", context: { senderUnreadBytes: 91 }, expected: senderFull },
    {
      case: "a message larger than the whole quota",
      context: { messageBytes: 101 },
      expected: senderFull,
    },
    {
      case: "this message fills all strangers' quota exactly",
      context: { senderUnreadBytes: 0, strangersUnreadBytes: 240 },
      expected: ok,
    },
    {
      case: "one byte past all strangers' quota",
      context: { senderUnreadBytes: 0, strangersUnreadBytes: 241 },
      expected: strangersFull,
    },
    {
      case: "both full: the sender's own quota is named",
      context: { senderUnreadBytes: 100, strangersUnreadBytes: 250 },
      expected: senderFull,
    },
    {
      case: "a buddy, past both quotas",
      context: { senderIsBuddy: true, senderUnreadBytes: 10_000, strangersUnreadBytes: 10_000 },
      expected: ok,
    },
    {
      case: "a sender count that is not a number",
      context: { senderUnreadBytes: Number.NaN },
      expected: senderFull,
    },
    { case: "a negative sender count", context: { senderUnreadBytes: -1_000 }, expected: senderFull },
    {
      case: "a strangers count that is not a number",
      context: { strangersUnreadBytes: Number.NaN },
      expected: strangersFull,
    },
    {
      case: "a message size that is not a number",
      context: { messageBytes: Number.NaN },
      expected: senderFull,
    },
    {
      case: "an empty message in a full inbox",
      context: { senderUnreadBytes: 100, messageBytes: 0 },
      expected: ok,
    },
  ])("$case", ({ context, expected }) => {
    expect(decideInboxQuota(quota, { ...empty, ...context })).toEqual(expected);
  });

  it("the defaults hold four of the largest messages from one stranger, not five", () => {
    const largest = 16_000;
    const after = (n: number) =>
      decideInboxQuota(INBOX_QUOTA, {
        ...empty,
        senderUnreadBytes: n * largest,
        strangersUnreadBytes: n * largest,
        messageBytes: largest,
      });
    expect(after(3)).toEqual(ok);
    expect(after(4)).toEqual(senderFull);
  });
});
