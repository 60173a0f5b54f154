import type { VisibilityRules } from "@pim/protocol";

/** VISIBILITY RULES as the room decides with them: per-presentity choices in a Map. */
export type VisibilityPolicy = {
  readonly anonymous: boolean;
  readonly presentities: ReadonlyMap<string, boolean>;
};

export function visibilityPolicy(rules: VisibilityRules): VisibilityPolicy {
  return { anonymous: rules.anonymous, presentities: new Map(Object.entries(rules.presentities)) };
}

/** Do I watch this presentity anonymously? Their own choice, else my default. */
export function watchesAnonymously(policy: VisibilityPolicy, presentity: string): boolean {
  return policy.presentities.get(presentity) ?? policy.anonymous;
}
