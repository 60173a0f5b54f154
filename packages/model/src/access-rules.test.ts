import { type AccessRules, AccessRulesSchema, type PresenceView, ShowLevelSchema } from "@pim/protocol";
import { describe, expect, it } from "vitest";
import {
  type AccessDecision,
  type Answer,
  accessPolicy,
  decideAccess,
  decisionShown,
  politeView,
  subscriptionState,
  transformView,
  viewForWatcher,
  watcherViewKey,
} from "./access-rules.ts";
import { DEFAULT_ACCESS_RULES } from "./default-rules.ts";

const rules: AccessRules = {
  default: { action: "confirm", show: "lastSeen" },
  people: {
    bob: { action: "allow", show: "availability" },
    eve: { action: "block", show: "status" },
    mallory: { action: "polite-block", show: "lastSeen" },
    carol: { action: "allow", show: "note" },
  },
  groups: [
    { name: "work", members: ["carol", "dave", "frank"], rule: { action: "allow", show: "devices" } },
    { name: "family", members: ["frank", "grace"], rule: { action: "allow", show: "lastSeen" } },
    { name: "noisy", members: ["grace", "heidi"], rule: { action: "polite-block", show: "status" } },
  ],
  refuseAnonymous: false,
};

describe("decideAccess: precedence blocklist > anonymous > person > group > default", () => {
  it.each<{
    case: string;
    handle: string;
    anonymous?: boolean;
    blocked?: string[];
    refuseAnonymous?: boolean;
    expected: Partial<AccessDecision>;
  }>([
    {
      case: "a stranger gets the default",
      handle: "zed",
      expected: { action: "confirm", show: "lastSeen", because: "default" },
    },
    {
      case: "a person's rule",
      handle: "bob",
      expected: { action: "allow", show: "availability", because: "person" },
    },
    {
      case: "a person's rule wins over their group's",
      handle: "carol",
      expected: { action: "allow", show: "note", because: "person" },
    },
    {
      case: "a group's rule wins over the default",
      handle: "dave",
      expected: { action: "allow", show: "devices", because: "group", group: "work" },
    },
    {
      case: "two allowing groups: the one showing less",
      handle: "frank",
      expected: { action: "allow", show: "devices", group: "work" },
    },
    {
      case: "allowing and polite-blocking groups: the strictest action",
      handle: "grace",
      expected: { action: "polite-block", group: "noisy" },
    },
    { case: "a blocked person's rule", handle: "eve", expected: { action: "block", because: "person" } },
    {
      case: "polite-block by person",
      handle: "mallory",
      expected: { action: "polite-block", because: "person" },
    },
    {
      case: "the blocklist wins over an allowing rule",
      handle: "bob",
      blocked: ["bob"],
      expected: { action: "block", because: "blocklist" },
    },
    {
      case: "an anonymous watcher gets the default, not the wider rule for their handle",
      handle: "bob",
      anonymous: true,
      expected: { action: "confirm", show: "lastSeen", because: "default" },
    },
    {
      case: "an anonymous watcher's person block still applies (silently)",
      handle: "eve",
      anonymous: true,
      expected: { action: "block", because: "person" },
    },
    {
      case: "an anonymous watcher's polite block still applies (silently)",
      handle: "mallory",
      anonymous: true,
      expected: { action: "polite-block", because: "person" },
    },
    {
      case: "an anonymous watcher's group polite block still applies",
      handle: "grace",
      anonymous: true,
      expected: { action: "polite-block", group: "noisy" },
    },
    {
      case: "an anonymous watcher on the blocklist is blocked",
      handle: "bob",
      anonymous: true,
      blocked: ["bob"],
      expected: { action: "block", because: "blocklist" },
    },
    ...[
      "constructor",
      "__proto__",
      "prototype",
      "hasOwnProperty",
      "toString",
      "valueOf",
      "__defineGetter__",
    ].map((handle) => ({
      case: `a handle named like a built-in (${handle}) gets the default`,
      handle,
      expected: { action: "confirm" as const, show: "lastSeen" as const, because: "default" as const },
    })),
    {
      case: "anonymous watchers, refused",
      handle: "bob",
      anonymous: true,
      refuseAnonymous: true,
      expected: { action: "block", because: "anonymous" },
    },
    {
      case: "refusing anonymous does not touch named watchers",
      handle: "bob",
      refuseAnonymous: true,
      expected: { action: "allow" },
    },
  ])("$case", ({ handle, anonymous, blocked, refuseAnonymous, expected }) => {
    const decision = decideAccess(
      accessPolicy({ ...rules, refuseAnonymous: refuseAnonymous ?? false }),
      new Set(blocked ?? []),
      { handle, anonymous: anonymous ?? false },
    );
    expect(decision).toMatchObject(expected);
  });

  it("the default rules ask about strangers", () => {
    expect(
      decideAccess(accessPolicy(DEFAULT_ACCESS_RULES), new Set(), { handle: "x", anonymous: false }).action,
    ).toBe("confirm");
  });
});

describe("accessPolicy: rules from the wire cannot reach built-ins", () => {
  it("a person rule keyed __proto__ in parsed JSON is just a key", () => {
    const wire = JSON.parse(
      '{"default":{"action":"block","show":"status"},"people":{"__proto__":{"action":"allow","show":"lastSeen"}},"groups":[],"refuseAnonymous":false}',
    );
    const policy = accessPolicy(wire);
    expect(decideAccess(policy, new Set(), { handle: "action", anonymous: false }).action).toBe("block");
    expect(decideAccess(policy, new Set(), { handle: "constructor", anonymous: false }).action).toBe("block");
    expect(decideAccess(policy, new Set(), { handle: "__proto__", anonymous: false }).action).toBe("allow");
  });
});

describe("decisionShown: what the presentity's tabs are told", () => {
  const policy = accessPolicy(rules);
  it.each<{
    case: string;
    handle: string;
    anonymous: boolean;
    blocked?: string[];
    refuse?: boolean;
    expected: Partial<AccessDecision>;
  }>([
    {
      case: "a named watcher: the decision itself",
      handle: "bob",
      anonymous: false,
      expected: { action: "allow", because: "person" },
    },
    {
      case: "a named watcher on the blocklist",
      handle: "bob",
      anonymous: false,
      blocked: ["bob"],
      expected: { action: "block", because: "blocklist" },
    },
    {
      case: "anonymous, allowed by name: the default only",
      handle: "bob",
      anonymous: true,
      expected: { action: "confirm", because: "default" },
    },
    {
      case: "anonymous, blocked by name: the default only",
      handle: "eve",
      anonymous: true,
      expected: { action: "confirm", because: "default" },
    },
    {
      case: "anonymous, on the blocklist: the default only",
      handle: "bob",
      anonymous: true,
      blocked: ["bob"],
      expected: { action: "confirm", because: "default" },
    },
    {
      case: "anonymous, refused as anonymous",
      handle: "bob",
      anonymous: true,
      refuse: true,
      expected: { action: "block", because: "anonymous" },
    },
  ])("$case", ({ handle, anonymous, blocked, refuse, expected }) => {
    const p = refuse ? { ...policy, refuseAnonymous: true } : policy;
    expect(decisionShown(p, new Set(blocked ?? []), { handle, anonymous })).toMatchObject(expected);
  });
  it("the same for the right and a wrong guess of who hides behind an alias", () => {
    const guess = (rulesFor: string) =>
      decisionShown(
        accessPolicy({ ...rules, people: { [rulesFor]: { action: "allow", show: "lastSeen" } } }),
        new Set([rulesFor]),
        { handle: "hidden", anonymous: true },
      );
    expect(guess("hidden")).toEqual(guess("someoneelse"));
  });
});

describe("subscriptionState: every action with every answer", () => {
  const cases: [AccessDecision["action"], Answer, string][] = [
    ["allow", undefined, "active"],
    ["allow", "approve", "active"],
    ["allow", "deny", "refused"],
    ["confirm", undefined, "pending"],
    ["confirm", "approve", "active"],
    ["confirm", "deny", "refused"],
    ["polite-block", undefined, "active"],
    ["polite-block", "approve", "active"],
    ["polite-block", "deny", "active"],
    ["block", undefined, "refused"],
    ["block", "approve", "refused"],
    ["block", "deny", "refused"],
  ];
  it.each(cases)("%s with answer %s: %s", (action, answer, state) => {
    expect(subscriptionState({ action, show: "lastSeen", because: "default" }, answer)).toBe(state);
  });
});

const full: PresenceView = {
  handle: "alice",
  status: "open",
  availability: "busy",
  note: "in a meeting",
  markup: { emoji: "📅" },
  devices: [{ device: "Firefox", availability: "available", status: "open" }],
  lastSeen: 1000,
  contact: "im:alice",
};

describe("transformations: a hidden field is absent", () => {
  it.each([
    { show: "status", keys: ["contact", "handle", "status"] },
    { show: "availability", keys: ["availability", "contact", "handle", "status"] },
    { show: "note", keys: ["availability", "contact", "handle", "markup", "note", "status"] },
    { show: "devices", keys: ["availability", "contact", "devices", "handle", "markup", "note", "status"] },
    {
      show: "lastSeen",
      keys: ["availability", "contact", "devices", "handle", "lastSeen", "markup", "note", "status"],
    },
  ] as const)("$show", ({ show, keys }) => {
    expect(Object.keys(transformView(full, show)).sort()).toEqual(keys);
  });
});

describe("viewForWatcher", () => {
  const allow = (show: AccessDecision["show"]): AccessDecision => ({
    action: "allow",
    show,
    because: "person",
  });
  it("pending and refused watchers get nothing", () => {
    expect(
      viewForWatcher(full, { action: "confirm", show: "lastSeen", because: "default" }, undefined),
    ).toBeNull();
    expect(
      viewForWatcher(full, { action: "block", show: "lastSeen", because: "person" }, "approve"),
    ).toBeNull();
    expect(viewForWatcher(full, allow("lastSeen"), "deny")).toBeNull();
  });
  it("allowed watchers get the transformed view", () => {
    expect(viewForWatcher(full, allow("availability"), undefined)).toEqual({
      handle: "alice",
      status: "open",
      availability: "busy",
      contact: "im:alice",
    });
  });
  it("polite-blocked watchers get the signed-out view frozen when the block began, whatever happens", () => {
    const decision: AccessDecision = { action: "polite-block", show: "lastSeen", because: "person" };
    expect(viewForWatcher(full, decision, undefined, 500)).toEqual(politeView("alice", "lastSeen", 500));
    expect(viewForWatcher({ ...full, note: "changed" }, decision, undefined, 500)).toEqual(
      viewForWatcher(full, decision, undefined, 500),
    );
    expect(politeView("alice", "lastSeen", 500)).toEqual({
      handle: "alice",
      status: "closed",
      lastSeen: 500,
    });
    expect(politeView("alice", "note", 500)).toEqual({ handle: "alice", status: "closed" });
    expect(politeView("alice", "lastSeen", undefined)).toEqual({ handle: "alice", status: "closed" });
  });
});

describe("watcherViewKey", () => {
  const decisions: [AccessDecision, Answer, number | undefined][] = [];
  for (const action of ["allow", "confirm", "polite-block", "block"] as const)
    for (const show of ShowLevelSchema.options)
      for (const answer of [undefined, "approve", "deny"] as const)
        for (const since of [undefined, 500, 900])
          decisions.push([{ action, show, because: "person" }, answer, since]);
  const views = [
    full,
    { ...full, note: "changed" },
    { handle: "alice", status: "closed" as const, lastSeen: 7 },
  ];
  it("is null exactly when the watcher receives nothing", () => {
    for (const [decision, answer, since] of decisions) {
      expect(watcherViewKey(decision, answer, since) === null).toBe(
        viewForWatcher(full, decision, answer, since) === null,
      );
    }
  });
  it("watchers with equal keys receive equal views of every view", () => {
    for (const [d1, a1, s1] of decisions)
      for (const [d2, a2, s2] of decisions) {
        if (watcherViewKey(d1, a1, s1) !== watcherViewKey(d2, a2, s2)) continue;
        for (const view of views)
          expect(viewForWatcher(view, d1, a1, s1)).toEqual(viewForWatcher(view, d2, a2, s2));
      }
  });
  it("tells apart watchers who see different views", () => {
    expect(watcherViewKey(allowAt("note"), undefined)).not.toBe(
      watcherViewKey(allowAt("availability"), undefined),
    );
    const polite: AccessDecision = { action: "polite-block", show: "lastSeen", because: "person" };
    expect(watcherViewKey(polite, undefined, 500)).not.toBe(watcherViewKey(polite, undefined, 900));
    expect(watcherViewKey(polite, undefined, 500)).not.toBe(
      watcherViewKey(allowAt("lastSeen"), undefined, 500),
    );
  });
});

const allowAt = (show: AccessDecision["show"]): AccessDecision => ({
  action: "allow",
  show,
  because: "person",
});

describe("the rules schema refuses unknown input", () => {
  it.each([
    { case: "an unknown action", input: { ...rules, default: { action: "maybe", show: "status" } } },
    {
      case: "an unknown transformation",
      input: { ...rules, default: { action: "allow", show: "everything" } },
    },
    {
      case: "a person rule for a malformed handle",
      input: { ...rules, people: { "not a handle": { action: "allow", show: "status" } } },
    },
    {
      case: "too many people",
      input: {
        ...rules,
        people: Object.fromEntries(
          Array.from({ length: 201 }, (_, i) => [`user${i}`, { action: "allow", show: "status" }]),
        ),
      },
    },
    { case: "an unknown key", input: { ...rules, extra: true } },
  ])("$case", ({ input }) => {
    expect(AccessRulesSchema.safeParse(input).success).toBe(false);
  });
  it("accepts good rules", () => {
    expect(AccessRulesSchema.parse(rules)).toEqual(rules);
  });
});
