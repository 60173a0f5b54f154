import { describe, expect, it } from "vitest";
import { checkHandle, checkHandleList } from "./handle-check.ts";

const LETTERS = "A handle may use only letters, digits, '.', '_' and '-'.";

describe("checkHandle", () => {
  it.each([
    { typed: " Bob ", expected: { ok: true, handle: "bob" } },
    { typed: "bob smith!", expected: { ok: false, problem: LETTERS } },
    { typed: "bo", expected: { ok: false, problem: "A handle has at least 3 characters." } },
  ])("$typed", ({ typed, expected }) => {
    expect(checkHandle(typed)).toEqual(expected);
  });
});

describe("checkHandleList", () => {
  it.each([
    { typed: "", expected: { handles: [], problem: null } },
    { typed: "Alice, bob,, alice, ", expected: { handles: ["alice", "bob"], problem: null } },
    { typed: "alice, bob smith!", expected: { handles: ["alice"], problem: `“bob smith!”: ${LETTERS}` } },
  ])("$typed", ({ typed, expected }) => {
    expect(checkHandleList(typed)).toEqual(expected);
  });
});
