import { describe, expect, it } from "vitest";
import { conversationPrefix, mergeMessages, messageKey, nextBefore, pageRange } from "./message-keys.ts";

describe("message keys", () => {
  it("sort in conversation order, also across digit counts", () => {
    const keys = [10, 9, 100, 1, 11].map((seq) => messageKey("bob", seq));
    expect([...keys].sort()).toEqual([1, 9, 10, 11, 100].map((seq) => messageKey("bob", seq)));
  });

  it.each([
    { a: "bob", b: "bob2" },
    { a: "bob", b: "bob.x" },
    { a: "a-b", b: "a-b_c" },
  ])("the prefix of $a never covers $b's messages", ({ a, b }) => {
    expect(messageKey(b, 1).startsWith(conversationPrefix(a))).toBe(false);
  });

  it.each([
    {
      case: "the newest page",
      before: undefined,
      expected: { prefix: "msg:bob:", reverse: true, limit: 50 },
    },
    {
      case: "older than seq 120",
      before: 120,
      expected: { prefix: "msg:bob:", end: messageKey("bob", 120), reverse: true, limit: 50 },
    },
  ])("page range: $case", ({ before, expected }) => {
    expect(pageRange("bob", before, 50)).toEqual(expected);
  });

  it.each([
    { case: "a full page with older messages left", seqs: [10, 9, 8], limit: 3, expected: 8 },
    { case: "a short page: the beginning", seqs: [2, 1], limit: 3, expected: undefined },
    { case: "a full page ending at seq 1", seqs: [3, 2, 1], limit: 3, expected: undefined },
    { case: "an empty page", seqs: [], limit: 3, expected: undefined },
  ])("next page: $case", ({ seqs, limit, expected }) => {
    expect(
      nextBefore(
        seqs.map((seq) => ({ seq })),
        limit,
      ),
    ).toBe(expected);
  });
});

describe("mergeMessages: deduplicated by id, in order", () => {
  it.each([
    {
      case: "a resend is shown once",
      existing: [{ id: "a", seq: 1 }],
      incoming: [{ id: "a", seq: 1 }],
      expected: [{ id: "a", seq: 1 }],
    },
    {
      case: "out-of-order arrivals are put in order",
      existing: [{ id: "c", seq: 3 }],
      incoming: [
        { id: "a", seq: 1 },
        { id: "b", seq: 2 },
      ],
      expected: [
        { id: "a", seq: 1 },
        { id: "b", seq: 2 },
        { id: "c", seq: 3 },
      ],
    },
    {
      case: "a later copy replaces the earlier one",
      existing: [{ id: "a", seq: 1, state: "sending" }],
      incoming: [{ id: "a", seq: 1, state: "delivered" }],
      expected: [{ id: "a", seq: 1, state: "delivered" }],
    },
    {
      case: "unsent ones come last, in sending order",
      existing: [{ id: "x" }, { id: "y" }],
      incoming: [{ id: "a", seq: 1 }],
      expected: [{ id: "a", seq: 1 }, { id: "x" }, { id: "y" }],
    },
    {
      case: "an unsent one takes its place once stored",
      existing: [{ id: "a", seq: 1 }, { id: "x" }],
      incoming: [{ id: "x", seq: 2 }],
      expected: [
        { id: "a", seq: 1 },
        { id: "x", seq: 2 },
      ],
    },
  ])("$case", ({ existing, incoming, expected }) => {
    expect(mergeMessages<{ id: string; seq?: number; state?: string }>(existing, incoming)).toEqual(expected);
  });
});
