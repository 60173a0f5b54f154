import type { PrivacySettings } from "@pim/protocol";
import { describe, expect, it } from "vitest";
import { personAccess, withPersonRule } from "./usePersonAccess.ts";

const settings = (people: PrivacySettings["rules"]["people"], blocked: string[] = []): PrivacySettings => ({
  rules: { default: { action: "confirm", show: "lastSeen" }, people, groups: [], refuseAnonymous: false },
  delivery: { whoMayWrite: "anyone", whileClosed: "accept", readReceipts: true, alwaysThrough: [] },
  visibility: { anonymous: false, presentities: {} },
  blocked,
});

describe("personAccess", () => {
  it.each([
    { case: "no rule", s: settings({}), peer: "bob", access: "default" },
    {
      case: "allowed with a level",
      s: settings({ bob: { action: "allow", show: "note" } }),
      peer: "bob",
      access: "allow:note",
    },
    {
      case: "appear offline",
      s: settings({ bob: { action: "polite-block", show: "lastSeen" } }),
      peer: "bob",
      access: "polite-block",
    },
    {
      case: "blocked, whatever the rule",
      s: settings({ bob: { action: "allow", show: "note" } }, ["bob"]),
      peer: "bob",
      access: "block",
    },
    {
      case: "a handle named like an Object.prototype property",
      s: settings({}),
      peer: "constructor",
      access: "default",
    },
  ])("$case", ({ s, peer, access }) => {
    expect(personAccess(s, peer)).toBe(access);
  });
});

describe("withPersonRule", () => {
  it("sets and removes one person's rule, leaving the others", () => {
    const s = settings({ ann: { action: "allow", show: "status" } });
    const set = withPersonRule(s, "bob", { action: "confirm", show: "lastSeen" });
    expect(Object.keys(set.people).sort()).toEqual(["ann", "bob"]);
    expect(withPersonRule(settings(set.people), "bob", null).people).toEqual({
      ann: { action: "allow", show: "status" },
    });
  });
});
