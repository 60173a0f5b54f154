import {
  type AccessAction,
  type AccessRule,
  type AccessRules,
  AccessRulesSchema,
  type PresenceView,
  parseWith,
  type ShowLevel,
  ShowLevelSchema,
  type SubscriptionState,
} from "@pim/protocol";

/** A stranger must ask, and once approved sees everything; people and groups narrow or widen that. */
export const DEFAULT_ACCESS_RULES: AccessRules = {
  default: { action: "confirm", show: "lastSeen" },
  people: {},
  groups: [],
  refuseAnonymous: false,
};

/** Who is asking: their handle (known to the presentity's room from the signed call) and whether they chose to stay anonymous. */
export type WatcherIdentity = { handle: string; anonymous: boolean };

export type AccessDecision = AccessRule & {
  /** Which rule decided, for "why" explanations in the editor. */
  because: "blocklist" | "anonymous" | "person" | "group" | "default";
  group?: string;
};

const SEVERITY: Record<AccessAction, number> = { allow: 0, confirm: 1, "polite-block": 2, block: 3 };
const LEVELS = ShowLevelSchema.options;

function level(show: ShowLevel): number {
  return LEVELS.indexOf(show);
}

/**
 * ACCESS RULES evaluation. Precedence: the blocklist; then refusing anonymous watchers (if
 * chosen); then a rule for this person; then the rules of the groups they are in (the strictest
 * action wins, and among equals the least shown); then the default.
 */
export function decideAccess(
  rules: AccessRules,
  blocklist: ReadonlySet<string>,
  watcher: WatcherIdentity,
): AccessDecision {
  if (blocklist.has(watcher.handle)) return { action: "block", show: "status", because: "blocklist" };
  if (watcher.anonymous && rules.refuseAnonymous)
    return { action: "block", show: "status", because: "anonymous" };
  const person = rules.people[watcher.handle];
  if (person) return { ...person, because: "person" };
  let strictest: AccessDecision | null = null;
  for (const group of rules.groups) {
    if (!group.members.includes(watcher.handle)) continue;
    const candidate: AccessDecision = { ...group.rule, because: "group", group: group.name };
    if (
      !strictest ||
      SEVERITY[candidate.action] > SEVERITY[strictest.action] ||
      (SEVERITY[candidate.action] === SEVERITY[strictest.action] &&
        level(candidate.show) < level(strictest.show))
    ) {
      strictest = candidate;
    }
  }
  return strictest ?? { ...rules.default, because: "default" };
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
  const state = subscriptionState(decision, answer);
  if (state === "refused" || state === "pending") return null;
  if (decision.action === "polite-block") return politeView(view.handle, decision.show, politeSince);
  return transformView(view, decision.show);
}

/** Rules from outside (the editor), checked before anything is stored. */
export function parseAccessRules(
  input: unknown,
): { ok: true; rules: AccessRules } | { ok: false; code: "invalid"; message: string } {
  const parsed = parseWith(AccessRulesSchema, input);
  if (!parsed.ok) return { ok: false, code: "invalid", message: parsed.message };
  return { ok: true, rules: parsed.value };
}
