import { describe, expect, it } from "vitest";
import { admitSocket, buddyRefreshDue, type SocketLimits } from "./socket-limits.ts";

const limits: SocketLimits = { perSession: 2, perPrincipal: 3, refreshEveryMs: 1_000 };

describe("admitSocket", () => {
  it.each([
    { case: "the first socket", open: [], session: "a", refusal: null },
    { case: "a second of one session", open: ["a"], session: "a", refusal: null },
    { case: "a third of one session", open: ["a", "a"], session: "a", refusal: "session" },
    { case: "another session beside a full one", open: ["a", "a"], session: "b", refusal: null },
    { case: "past the principal's limit", open: ["a", "b", "c"], session: "d", refusal: "principal" },
    { case: "the principal's limit comes first", open: ["a", "a", "b"], session: "a", refusal: "principal" },
  ])("$case: $refusal", ({ open, session, refusal }) => {
    expect(admitSocket(open, session, limits)).toBe(refusal);
  });
});

describe("buddyRefreshDue", () => {
  it.each([
    { case: "never refreshed", lastAt: null, now: 5, due: true },
    { case: "just refreshed", lastAt: 1_000, now: 1_500, due: false },
    { case: "the interval has passed", lastAt: 1_000, now: 2_000, due: true },
    { case: "a clock that went back", lastAt: 5_000, now: 1_000, due: true },
  ])("$case: $due", ({ lastAt, now, due }) => {
    expect(buddyRefreshDue(lastAt, now, limits)).toBe(due);
  });
});
