import { describe, expect, it } from "vitest";
import { type ActivityContext, type ActivitySignal, decideActivitySignal } from "./activity-signals.ts";

describe("decideActivitySignal: every signal, every status a peer may see, receipts on and off", () => {
  it.each<{
    signal: ActivitySignal;
    seen: ActivityContext["statusSeenByPeer"];
    readReceipts: boolean;
    expected: string;
  }>([
    { signal: "receipt", seen: "open", readReceipts: true, expected: "send" },
    { signal: "receipt", seen: "closed", readReceipts: true, expected: "hold" }, // polite-blocked, or I am invisible
    { signal: "receipt", seen: undefined, readReceipts: true, expected: "hold" }, // may not see me at all
    { signal: "receipt", seen: "open", readReceipts: false, expected: "drop" },
    { signal: "receipt", seen: "closed", readReceipts: false, expected: "drop" },
    { signal: "receipt", seen: undefined, readReceipts: false, expected: "drop" },
    { signal: "typing", seen: "open", readReceipts: true, expected: "send" },
    { signal: "typing", seen: "open", readReceipts: false, expected: "send" }, // receipts rule is not about typing
    { signal: "typing", seen: "closed", readReceipts: true, expected: "drop" },
    { signal: "typing", seen: undefined, readReceipts: true, expected: "drop" },
    { signal: "typing", seen: "closed", readReceipts: false, expected: "drop" },
    { signal: "typing", seen: undefined, readReceipts: false, expected: "drop" },
  ])("$signal, seen $seen, receipts $readReceipts: $expected", ({ signal, seen, readReceipts, expected }) => {
    expect(decideActivitySignal(signal, { statusSeenByPeer: seen, readReceipts })).toBe(expected);
  });

  it("an unknown signal (from untyped code) is never sent nor held", () => {
    const unknown = "presence" as ActivitySignal;
    expect(decideActivitySignal(unknown, { statusSeenByPeer: "open", readReceipts: true })).toBe("drop");
  });
});
