import {
  type AccessAction,
  type AccessRule,
  type AccessRules,
  type PresenceView,
  type ShowLevel,
  ShowLevelSchema,
  type SubscriptionState,
} from "@pim/protocol";

/** Who is asking: their handle (known to the presentity's room from the signed call) and whether they chose to stay anonymous. */
export type WatcherIdentity = { handle: string; anonymous: boolean };

export type AccessDecision = AccessRule & {
  /** Which rule decided, for "why" explanations in the editor. */
  because: "blocklist" | "anonymous" | "person" | "group" | "default";
  group?: string;
};

/**
 * ACCESS RULES as the room decides with them: every table keyed by a handle is a Map or a Set,
 * so no handle (`constructor`, `__proto__`) can ever find something it was not given.
 */
export type AccessPolicy = {
  readonly default: AccessRule;
  readonly people: ReadonlyMap<string, AccessRule>;
  readonly groups: ReadonlyArray<{ name: string; members: ReadonlySet<string>; rule: AccessRule }>;
  readonly refuseAnonymous: boolean;
};

/** The rules as parsed from the wire or storage, turned into lookups that only find what is there. */
export function accessPolicy(rules: AccessRules): AccessPolicy {
  return {
    default: rules.default,
    people: new Map(Object.entries(rules.people)),
    groups: rules.groups.map((g) => ({ name: g.name, members: new Set(g.members), rule: g.rule })),
    refuseAnonymous: rules.refuseAnonymous,
  };
}

const SEVERITY: ReadonlyMap<AccessAction, number> = new Map([
  ["allow", 0],
  ["confirm", 1],
  ["polite-block", 2],
  ["block", 3],
]);
const LEVELS = ShowLevelSchema.options;

/** An action this code does not know is the most severe there is: it refuses. */
function severity(action: AccessAction): number {
  return SEVERITY.get(action) ?? Number.POSITIVE_INFINITY;
}

function level(show: ShowLevel): number {
  return LEVELS.indexOf(show);
}

/** Is `a` stricter than `b`: a more severe action, or the same one showing less? */
function stricter(a: AccessRule, b: AccessRule): boolean {
  const sa = severity(a.action);
  const sb = severity(b.action);
  return sa > sb || (sa === sb && level(a.show) < level(b.show));
}

const BLOCKED: AccessRule = { action: "block", show: "status" };

/** The rule for this handle by name: their person rule, else the strictest of their groups' rules. */
function namedRule(policy: AccessPolicy, handle: string): AccessDecision | null {
  const person = policy.people.get(handle);
  if (person) return { ...person, because: "person" };
  let strictest: AccessDecision | null = null;
  for (const group of policy.groups) {
    if (!group.members.has(handle)) continue;
    const candidate: AccessDecision = { ...group.rule, because: "group", group: group.name };
    if (!strictest || stricter(candidate, strictest)) strictest = candidate;
  }
  return strictest;
}

/**
 * ACCESS RULES evaluation. Precedence: the blocklist; then refusing anonymous watchers (if
 * chosen); then a rule for this person; then the rules of the groups they are in (the strictest
 * action wins, and among equals the least shown); then the default.
 *
 * An anonymous watcher is decided by the anonymous-level rules (refusing anonymous watchers, the
 * default); rules about their real handle still apply, silently, but only where they are
 * stricter: hiding behind an alias never gets anyone more than their name would.
 */
export function decideAccess(
  policy: AccessPolicy,
  blocklist: ReadonlySet<string>,
  watcher: WatcherIdentity,
): AccessDecision {
  if (blocklist.has(watcher.handle)) return { ...BLOCKED, because: "blocklist" };
  if (watcher.anonymous && policy.refuseAnonymous) return { ...BLOCKED, because: "anonymous" };
  const named = namedRule(policy, watcher.handle);
  const byDefault: AccessDecision = { ...policy.default, because: "default" };
  if (!watcher.anonymous) return named ?? byDefault;
  return named && stricter(named, byDefault) ? named : byDefault;
}

/**
 * The decision as the presentity's own tabs are shown it (watcher information, subscriber list).
 * For an anonymous watcher only the anonymous-level rules: what their real handle's rules or the
 * blocklist decide stays silent, or trying rules on guessed handles would unmask them.
 */
export function decisionShown(
  policy: AccessPolicy,
  blocklist: ReadonlySet<string>,
  watcher: WatcherIdentity,
): AccessDecision {
  if (!watcher.anonymous) return decideAccess(policy, blocklist, watcher);
  if (policy.refuseAnonymous) return { ...BLOCKED, because: "anonymous" };
  return { ...policy.default, because: "default" };
}

/** The presentity's own answer to a request to subscribe, if any. */
export type Answer = "approve" | "deny" | undefined;

/** Where a subscription stands under the rules and the presentity's answer. */
export function subscriptionState(decision: AccessDecision, answer: Answer): SubscriptionState {
  switch (decision.action) {
    case "block":
      return "refused";
    case "polite-block":
      return "active"; // indistinguishable from a signed-out presentity that let them in
    case "allow":
      return answer === "deny" ? "refused" : "active";
    case "confirm":
      return answer === "approve" ? "active" : answer === "deny" ? "refused" : "pending";
    default: {
      // Stored or future data with an action this code does not know: refuse, never fall through.
      const unknown: never = decision.action;
      void unknown;
      return "refused";
    }
  }
}

/**
 * What a signed-out presentity shows a watcher (see presence aggregation: CLOSED, and the last
 * time they were seen when the watcher may see it). A polite-blocked watcher is shown this,
 * frozen at the moment the block began, for as long as it lasts.
 */
export function politeView(handle: string, show: ShowLevel, lastSeen: number | undefined): PresenceView {
  return transformView(
    lastSeen === undefined ? { handle, status: "closed" } : { handle, status: "closed", lastSeen },
    show,
  );
}

/**
 * A transformation: only the parts of a view that `show` allows. A hidden field is absent, not
 * empty, so it can never reach a watcher in any format.
 */
export function transformView(view: PresenceView, show: ShowLevel): PresenceView {
  const at = level(show);
  const result: PresenceView = { handle: view.handle, status: view.status };
  if (view.contact !== undefined) result.contact = view.contact;
  if (at >= level("availability") && view.availability !== undefined) result.availability = view.availability;
  if (at >= level("note")) {
    if (view.note !== undefined) result.note = view.note;
    if (view.markup !== undefined) result.markup = view.markup;
  }
  if (at >= level("devices") && view.devices !== undefined) result.devices = view.devices;
  if (at >= level("lastSeen") && view.lastSeen !== undefined) result.lastSeen = view.lastSeen;
  return result;
}

/** What a watcher receives of a view: nothing, a frozen signed-out view, or the view at a level. */
type WatcherShare =
  | { kind: "polite-block"; show: ShowLevel; since: number | undefined }
  | { kind: "show"; show: ShowLevel }
  | null;

function watcherShare(decision: AccessDecision, answer: Answer, politeSince?: number): WatcherShare {
  const state = subscriptionState(decision, answer);
  if (state === "refused" || state === "pending") return null;
  if (decision.action === "polite-block")
    return { kind: "polite-block", show: decision.show, since: politeSince };
  return { kind: "show", show: decision.show };
}

/**
 * The view a watcher receives, or null when they receive nothing (refused, or still pending).
 * Polite-blocked watchers get what a signed-out presentity shows, as of `politeSince` (the last
 * time they could have seen the presentity: when the block began).
 */
export function viewForWatcher(
  view: PresenceView,
  decision: AccessDecision,
  answer: Answer,
  politeSince?: number,
): PresenceView | null {
  const share = watcherShare(decision, answer, politeSince);
  if (share === null) return null;
  if (share.kind === "polite-block") return politeView(view.handle, share.show, share.since);
  return transformView(view, share.show);
}

/**
 * All `viewForWatcher` reads besides the view itself (the same `watcherShare`): watchers with
 * equal keys receive equal views of the same view, so a fan-out builds (and compares, and sends)
 * each distinct view once, not once per subscriber. Null when they receive nothing.
 */
export function watcherViewKey(
  decision: AccessDecision,
  answer: Answer,
  politeSince?: number,
): string | null {
  const share = watcherShare(decision, answer, politeSince);
  if (share === null) return null;
  if (share.kind === "polite-block") return `polite-block ${share.show} ${share.since ?? "-"}`;
  return `show ${share.show}`;
}
