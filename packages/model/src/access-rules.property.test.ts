import type { AccessAction, AccessRule, AccessRules, PresenceView, ShowLevel } from "@pim/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AccessDecision,
  type Answer,
  accessPolicy,
  decideAccess,
  decisionShown,
  subscriptionState,
  transformView,
  viewForWatcher,
} from "./access-rules.ts";
import { entriesArb, handleArb, PROTOTYPE_NAMES, recordBuilderArb, wireRecord } from "./wire-arbitraries.ts";

const RUNS = { numRuns: 300 };

// The orders, written out here rather than taken from the code under test.
const ACTIONS: AccessAction[] = ["allow", "confirm", "polite-block", "block"];
const LEVELS: ShowLevel[] = ["status", "availability", "note", "devices", "lastSeen"];
const BECAUSE = ["blocklist", "anonymous", "person", "group", "default"];
const ANSWERS: Answer[] = ["approve", "deny", undefined];

const actionArb = fc.constantFrom(...ACTIONS);
const levelArb = fc.constantFrom(...LEVELS);
const ruleArb: fc.Arbitrary<AccessRule> = fc.record(
  { action: actionArb, show: levelArb },
  { noNullPrototype: true },
);
const answerArb = fc.constantFrom(...ANSWERS);

// Often one of a few rules, so that groups tie and the tie-break is exercised.
const groupRuleArb = fc.oneof(
  ruleArb,
  fc.constantFrom<AccessRule>({ action: "allow", show: "note" }, { action: "polite-block", show: "status" }),
);

const groupArb = fc.record(
  {
    name: fc.oneof(
      fc.constantFrom("work", "family", ...PROTOTYPE_NAMES),
      fc.string({ minLength: 1, maxLength: 6 }),
    ),
    members: fc.array(handleArb, { maxLength: 6 }),
    rule: groupRuleArb,
  },
  { noNullPrototype: true },
);

/** Access rules as they arrive from the wire or storage: people keyed by any handle, `__proto__` an own key. */
const rulesArb: fc.Arbitrary<AccessRules> = fc
  .record(
    {
      default: ruleArb,
      people: fc.tuple(entriesArb(ruleArb), recordBuilderArb),
      groups: fc.array(groupArb, { maxLength: 4 }),
      refuseAnonymous: fc.boolean(),
    },
    { noNullPrototype: true },
  )
  .map(({ people: [entries, how], ...rest }) => ({ ...rest, people: wireRecord(entries, how) }));

const blocklistArb = fc.array(handleArb, { maxLength: 4 });

type Expected = { action: AccessAction; show: ShowLevel; because: AccessDecision["because"]; group?: string };

/** Is `a` stricter than `b`: a more severe action, or the same action showing less. */
function refStricter(a: AccessRule, b: AccessRule): boolean {
  const byAction = ACTIONS.indexOf(a.action) - ACTIONS.indexOf(b.action);
  if (byAction !== 0) return byAction > 0;
  return LEVELS.indexOf(a.show) < LEVELS.indexOf(b.show);
}

function contains(list: readonly string[], item: string): boolean {
  for (const x of list) if (x === item) return true;
  return false;
}

/**
 * The rule for a handle by name: their own person rule, else the strictest of their groups'. Among
 * groups with the very same rule the first one is named (the doc leaves it open; the order the
 * presentity gave is the stable choice, and the "why" explanation must not flicker).
 */
function refNamed(rules: AccessRules, handle: string): Expected | undefined {
  if (Object.hasOwn(rules.people, handle)) {
    const rule = rules.people[handle] as AccessRule;
    return { action: rule.action, show: rule.show, because: "person" };
  }
  let best: Expected | undefined;
  for (const group of rules.groups) {
    if (!contains(group.members, handle)) continue;
    if (best === undefined || refStricter(group.rule, best)) {
      best = { action: group.rule.action, show: group.rule.show, because: "group", group: group.name };
    }
  }
  return best;
}

/** The reference decision, from the doc comment of `decideAccess`. */
function refDecide(
  rules: AccessRules,
  blocklist: readonly string[],
  handle: string,
  anonymous: boolean,
): Expected {
  if (contains(blocklist, handle)) return { action: "block", show: "status", because: "blocklist" };
  if (anonymous && rules.refuseAnonymous) return { action: "block", show: "status", because: "anonymous" };
  const byDefault: Expected = { action: rules.default.action, show: rules.default.show, because: "default" };
  const named = refNamed(rules, handle);
  if (!anonymous) return named ?? byDefault;
  return named !== undefined && refStricter(named, byDefault) ? named : byDefault;
}

function decide(rules: AccessRules, blocklist: readonly string[], handle: string, anonymous: boolean) {
  return decideAccess(accessPolicy(rules), new Set(blocklist), { handle, anonymous });
}

describe("decideAccess, for arbitrary rules and handles (every Object.prototype name among them)", () => {
  it("is one of the allowed values, and `because` names the rule that gives it", () => {
    fc.assert(
      fc.property(rulesArb, blocklistArb, handleArb, fc.boolean(), (rules, blocklist, handle, anonymous) => {
        const d = decide(rules, blocklist, handle, anonymous);
        expect(ACTIONS).toContain(d.action);
        expect(LEVELS).toContain(d.show);
        expect(BECAUSE).toContain(d.because);
        expect(d.group !== undefined).toBe(d.because === "group");
        const shown = { action: d.action, show: d.show };
        switch (d.because) {
          case "blocklist":
            expect(contains(blocklist, handle)).toBe(true);
            expect(shown).toEqual({ action: "block", show: "status" });
            break;
          case "anonymous":
            expect(anonymous && rules.refuseAnonymous).toBe(true);
            expect(shown).toEqual({ action: "block", show: "status" });
            break;
          case "person":
            expect(Object.hasOwn(rules.people, handle)).toBe(true);
            // safe-lookup: the line above asserts the key is the record's own
            expect(shown).toEqual(rules.people[handle]);
            break;
          case "group":
            expect(Object.hasOwn(rules.people, handle)).toBe(false);
            expect(
              rules.groups.some(
                (g) =>
                  g.name === d.group &&
                  contains(g.members, handle) &&
                  g.rule.action === d.action &&
                  g.rule.show === d.show,
              ),
            ).toBe(true);
            break;
          case "default":
            expect(shown).toEqual(rules.default);
            break;
          default: {
            const unhandled: never = d.because;
            throw new Error(`unknown reason ${String(unhandled)}`);
          }
        }
      }),
      RUNS,
    );
  });

  it("equals the reference, for named and anonymous watchers", () => {
    fc.assert(
      fc.property(rulesArb, blocklistArb, handleArb, fc.boolean(), (rules, blocklist, handle, anonymous) => {
        expect(decide(rules, blocklist, handle, anonymous)).toEqual(
          refDecide(rules, blocklist, handle, anonymous),
        );
      }),
      RUNS,
    );
  });

  it("among a handle's groups the strictest rule decides, the first group named among identical rules", () => {
    const tiedGroups = fc.array(
      fc.record(
        { name: fc.string({ maxLength: 4 }), inIt: fc.boolean(), rule: groupRuleArb },
        { noNullPrototype: true },
      ),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(rulesArb, fc.constantFrom(...PROTOTYPE_NAMES), tiedGroups, (rules, handle, picked) => {
        const groups = picked.map(({ name, inIt, rule }) => ({ name, members: inIt ? [handle] : [], rule }));
        const people = { ...rules.people };
        // safe-lookup: delete removes only an own key (an own `__proto__` too), never a built-in
        delete people[handle];
        const withGroups = { ...rules, people, groups };
        expect(decide(withGroups, [], handle, false)).toEqual(refDecide(withGroups, [], handle, false));
      }),
      RUNS,
    );
  });

  it("a handle with no own rule gets its groups' or the default decision, whatever its name", () => {
    fc.assert(
      fc.property(
        rulesArb,
        fc.constantFrom(...PROTOTYPE_NAMES),
        fc.boolean(),
        fc.boolean(),
        (rules, handle, inGroups, anonymous) => {
          // Take away any rule of its own (`delete` removes an own `__proto__` too), and maybe its groups.
          const people = { ...rules.people };
          // safe-lookup: delete removes only an own key (an own `__proto__` too), never a built-in
          delete people[handle];
          expect(Object.hasOwn(people, handle)).toBe(false);
          const groups = inGroups
            ? rules.groups
            : rules.groups.map((g) => ({ ...g, members: g.members.filter((m) => m !== handle) }));
          const d = decide({ ...rules, people, groups }, [], handle, anonymous);
          expect(d.because).not.toBe("person");
          if (!inGroups && !(anonymous && rules.refuseAnonymous)) {
            expect(d).toEqual({ ...rules.default, because: "default" });
          }
          expect(d).toEqual(refDecide({ ...rules, people, groups }, [], handle, anonymous));
        },
      ),
      RUNS,
    );
  });
});

describe("decisionShown", () => {
  it("for an anonymous watcher depends on nothing but the anonymous-level rules (no un-masking)", () => {
    fc.assert(
      fc.property(
        rulesArb,
        rulesArb,
        blocklistArb,
        blocklistArb,
        handleArb,
        handleArb,
        (rules, other, blocklist, otherBlocklist, handle, otherHandle) => {
          // Same default and refuseAnonymous; everything that could identify the watcher differs.
          const shown = decisionShown(accessPolicy(rules), new Set(blocklist), { handle, anonymous: true });
          const guessed = decisionShown(
            accessPolicy({ ...other, default: rules.default, refuseAnonymous: rules.refuseAnonymous }),
            new Set(otherBlocklist),
            { handle: otherHandle, anonymous: true },
          );
          expect(shown).toEqual(guessed);
          expect(shown).toEqual(
            rules.refuseAnonymous
              ? { action: "block", show: "status", because: "anonymous" }
              : { ...rules.default, because: "default" },
          );
        },
      ),
      RUNS,
    );
  });

  it("for a named watcher is the decision itself", () => {
    fc.assert(
      fc.property(rulesArb, blocklistArb, handleArb, (rules, blocklist, handle) => {
        const policy = accessPolicy(rules);
        const watcher = { handle, anonymous: false };
        expect(decisionShown(policy, new Set(blocklist), watcher)).toEqual(
          decideAccess(policy, new Set(blocklist), watcher),
        );
      }),
      RUNS,
    );
  });
});

describe("hiding behind an alias never gets more", () => {
  it("the anonymous decision is at least as strict as the named one and the default, and is the stricter of them", () => {
    fc.assert(
      fc.property(rulesArb, blocklistArb, handleArb, (rules, blocklist, handle) => {
        const anonymous = decide(rules, blocklist, handle, true);
        const named = decide(rules, blocklist, handle, false);
        expect(refStricter(named, anonymous)).toBe(false);
        expect(refStricter(rules.default, anonymous)).toBe(false);
        if (contains(blocklist, handle) || rules.refuseAnonymous) {
          expect(anonymous).toMatchObject({ action: "block", show: "status" });
        } else {
          // Not merely as strict: exactly the stricter of the named decision and the default.
          const stricter = refStricter(named, rules.default) ? named : rules.default;
          expect({ action: anonymous.action, show: anonymous.show }).toEqual({
            action: stricter.action,
            show: stricter.show,
          });
        }
      }),
      RUNS,
    );
  });

  it("an alias let in by `allow` sees no field its name would not", () => {
    fc.assert(
      fc.property(rulesArb, handleArb, viewArb(), answerArb, (rules, handle, view, answer) => {
        const anonymous = decide(rules, [], handle, true);
        const named = decide(rules, [], handle, false);
        if (anonymous.action !== "allow") return;
        expect(named.action).toBe("allow");
        const seen = viewForWatcher(view, anonymous, answer);
        const byName = viewForWatcher(view, named, answer);
        if (seen === null) return;
        expect(byName).not.toBeNull();
        for (const key of Object.keys(seen)) expect(Object.hasOwn(byName ?? {}, key)).toBe(true);
      }),
      RUNS,
    );
  });
});

/** Where a subscription stands, as the table in access-rules.test.ts lays it out. */
function refState(action: AccessAction, answer: Answer): "active" | "pending" | "refused" {
  if (action === "block") return "refused";
  if (action === "polite-block") return "active";
  if (answer === "deny") return "refused";
  if (action === "allow" || answer === "approve") return "active";
  return "pending";
}

const decisionArb: fc.Arbitrary<AccessDecision> = fc.record(
  {
    action: actionArb,
    show: levelArb,
    because: fc.constantFrom("blocklist", "anonymous", "person", "group", "default"),
  },
  { noNullPrototype: true },
);

describe("subscriptionState", () => {
  it("is total over every action and answer: active, pending or refused; block refuses, polite-block is active", () => {
    fc.assert(
      fc.property(decisionArb, answerArb, (decision, answer) => {
        const state = subscriptionState(decision, answer);
        expect(["active", "pending", "refused"]).toContain(state);
        if (decision.action === "block") expect(state).toBe("refused");
        if (decision.action === "polite-block") expect(state).toBe("active");
        expect(state).toBe(refState(decision.action, answer));
      }),
      RUNS,
    );
  });
});

/** PresenceView as packages/protocol/src/presence.ts allows it: everything but handle and status optional. */
function viewArb(): fc.Arbitrary<PresenceView> {
  const availability = fc.constantFrom("available", "away", "busy", "dnd");
  const status = fc.constantFrom("open", "closed");
  return fc.record(
    {
      handle: handleArb,
      status,
      availability,
      note: fc.string({ maxLength: 10 }),
      lastSeen: fc.integer({ min: 0 }),
      devices: fc.array(fc.record({ device: fc.string({ maxLength: 6 }), availability, status }), {
        maxLength: 3,
      }),
      markup: fc.dictionary(
        fc.string({ minLength: 1, maxLength: 6 }),
        fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean()),
        { maxKeys: 3, noNullPrototype: true },
      ),
      contact: fc.string({ maxLength: 10 }),
    },
    { requiredKeys: ["handle", "status"], noNullPrototype: true },
  );
}

/** The fields each level lets through, written out level by level. */
const FIELDS: Record<ShowLevel, readonly string[]> = {
  status: ["handle", "status", "contact"],
  availability: ["handle", "status", "contact", "availability"],
  note: ["handle", "status", "contact", "availability", "note", "markup"],
  devices: ["handle", "status", "contact", "availability", "note", "markup", "devices"],
  lastSeen: ["handle", "status", "contact", "availability", "note", "markup", "devices", "lastSeen"],
};

/** `result` is exactly the fields of `view` that `show` allows, each unchanged. */
function expectTransformed(result: PresenceView, view: PresenceView, show: ShowLevel): void {
  const allowed = FIELDS[show];
  const input = view as Record<string, unknown>;
  const output = result as Record<string, unknown>;
  for (const key of Object.keys(output)) {
    expect(allowed).toContain(key);
    // safe-lookup: `key` is one of the view's own field names, listed by Object.keys
    expect(Object.is(output[key], input[key])).toBe(true);
  }
  for (const key of allowed) expect(Object.hasOwn(output, key)).toBe(Object.hasOwn(input, key));
}

describe("transformView and viewForWatcher", () => {
  it("transformView keeps exactly the fields the level allows, unchanged", () => {
    fc.assert(
      fc.property(viewArb(), levelArb, (view, show) => {
        expectTransformed(transformView(view, show), view, show);
      }),
      RUNS,
    );
  });

  it("viewForWatcher is null iff pending or refused; polite-blocked watchers get exactly the signed-out view", () => {
    const politeSinceArb = fc.option(fc.integer({ min: 0 }), { nil: undefined });
    fc.assert(
      fc.property(
        viewArb(),
        viewArb(),
        decisionArb,
        answerArb,
        politeSinceArb,
        (view, other, decision, answer, politeSince) => {
          const result = viewForWatcher(view, decision, answer, politeSince);
          const state = refState(decision.action, answer);
          expect(result === null).toBe(state === "pending" || state === "refused");
          if (result === null) return;
          if (decision.action === "polite-block") {
            const polite: PresenceView = { handle: view.handle, status: "closed" };
            if (decision.show === "lastSeen" && politeSince !== undefined) polite.lastSeen = politeSince;
            expect(result).toEqual(polite);
            expect(Object.keys(result).every((k) => ["handle", "status", "lastSeen"].includes(k))).toBe(true);
            // Nothing of the live presence gets through: another view, the same answer.
            expect(viewForWatcher({ ...other, handle: view.handle }, decision, answer, politeSince)).toEqual(
              result,
            );
          } else {
            expectTransformed(result, view, decision.show);
          }
        },
      ),
      RUNS,
    );
  });
});
