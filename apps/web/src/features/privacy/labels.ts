import type {
  AccessAction,
  AccessDecision,
  ShowLevel,
  SubscriptionState,
  WatcherInfo,
  WatcherKind,
} from "@pim/protocol";

export const ACTION_LABELS: Record<AccessAction, string> = {
  allow: "Allow",
  confirm: "Ask me",
  "polite-block": "Appear offline",
  block: "Block",
};

export const SHOW_LABELS: Record<ShowLevel, string> = {
  status: "Online or offline only",
  availability: "+ availability",
  note: "+ note",
  devices: "+ devices",
  lastSeen: "+ last seen (everything)",
};

export const KIND_LABELS: Record<WatcherKind, string> = {
  subscriber: "Subscriber",
  fetcher: "Fetcher",
  poller: "Poller",
};

export const STATE_LABELS: Record<SubscriptionState, string> = {
  pending: "Waiting for you",
  active: "Sees you",
  refused: "Refused",
  ended: "Ended",
};

/**
 * A watcher's state in words. A polite-blocked watcher's subscription is active (they must not
 * tell), and the room says that my rules make them see me offline.
 */
export function watcherStateLabel(watcher: WatcherInfo): string {
  if (watcher.state === "active" && watcher.action === "polite-block") return "Sees you as offline";
  return STATE_LABELS[watcher.state];
}

const BECAUSE: Record<AccessDecision["because"], string> = {
  blocklist: "they are on your blocklist",
  anonymous: "you refuse anonymous watchers",
  person: "your rule for them",
  group: "your rule for a group they are in",
  default: "your default rule",
};

/** Why the rules decided as they did, in words. */
export function decisionLabel(decision: AccessDecision): string {
  const group = decision.because === "group" && decision.group ? ` (“${decision.group}”)` : "";
  return `${ACTION_LABELS[decision.action]}, because of ${BECAUSE[decision.because]}${group}.`;
}
