import { z } from "zod";
import { CanonicalHandleSchema, HandleSchema } from "./handle.ts";
import { DeliveryRulesSchema } from "./instant-messages.ts";
import { PresenceViewSchema } from "./presence.ts";
import { SubscriptionStateSchema } from "./watchers.ts";

/**
 * ACCESS RULES (RFC 2778): what a presentity lets each WATCHER do and see.
 * - allow: sees me (as much as `show` says);
 * - confirm: waits as pending until I answer;
 * - polite-block: sees me exactly as if I were signed out, forever, and cannot tell;
 * - block: subscriptions and fetches refused.
 */
export const AccessActionSchema = z.enum(["allow", "confirm", "polite-block", "block"]);
export type AccessAction = z.infer<typeof AccessActionSchema>;

/**
 * Transformations: how much of my presence a watcher sees, each level adding to the one before:
 * status only; plus availability; plus note; plus devices; plus last seen.
 */
export const ShowLevelSchema = z.enum(["status", "availability", "note", "devices", "lastSeen"]);
export type ShowLevel = z.infer<typeof ShowLevelSchema>;

export const AccessRuleSchema = z.strictObject({ action: AccessActionSchema, show: ShowLevelSchema });
export type AccessRule = z.infer<typeof AccessRuleSchema>;

/**
 * A record keyed by handles, as it arrives in JSON. zod's record skips an own `__proto__` key
 * without checking it, so such a key would vanish silently; it is refused like any bad handle.
 */
function handleRecord<V extends z.ZodType>(value: V) {
  return z
    .custom<unknown>(
      (input) => !(typeof input === "object" && input !== null && Object.hasOwn(input, "__proto__")),
      {
        message: "__proto__ is not a handle anyone can have.",
      },
    )
    .pipe(z.record(HandleSchema, value));
}

export const PRIVACY_LIMITS = {
  people: 200,
  groups: 20,
  groupMembers: 200,
  groupName: 40,
  blocklist: 1000,
} as const;

export const GroupRuleSchema = z.strictObject({
  name: z.string().trim().min(1, "A group needs a name.").max(PRIVACY_LIMITS.groupName),
  members: z
    .array(HandleSchema)
    .max(PRIVACY_LIMITS.groupMembers, `A group has at most ${PRIVACY_LIMITS.groupMembers} members.`),
  rule: AccessRuleSchema,
});
export type GroupRule = z.infer<typeof GroupRuleSchema>;

/** All of a presentity's access rules: a default, per person, per group of buddies. */
export const AccessRulesSchema = z.strictObject({
  default: AccessRuleSchema,
  people: handleRecord(AccessRuleSchema).refine(
    (people) => Object.keys(people).length <= PRIVACY_LIMITS.people,
    {
      message: `At most ${PRIVACY_LIMITS.people} rules for single people.`,
    },
  ),
  groups: z.array(GroupRuleSchema).max(PRIVACY_LIMITS.groups, `At most ${PRIVACY_LIMITS.groups} groups.`),
  /** Refuse watchers who hide their handle (their activity still counts, as refused). */
  refuseAnonymous: z.boolean(),
});
export type AccessRules = z.infer<typeof AccessRulesSchema>;

/** VISIBILITY RULES (RFC 2778): how my watching shows in others' WATCHER INFORMATION. */
export const VisibilityRulesSchema = z.strictObject({
  /** Appear as "anonymous watcher" by default. */
  anonymous: z.boolean(),
  /** Per presentity: true = anonymous, false = show my handle. */
  presentities: handleRecord(z.boolean()).refine((p) => Object.keys(p).length <= PRIVACY_LIMITS.people, {
    message: "Too many per-person settings.",
  }),
});
export type VisibilityRules = z.infer<typeof VisibilityRulesSchema>;

export const BlocklistSchema = z.object({ blocked: z.array(z.string()) });
export type Blocklist = z.infer<typeof BlocklistSchema>;
/** POST /blocklist */
export const BlockSchema = z.object({ handle: CanonicalHandleSchema });

/** Everything the Privacy section edits, in one read. */
export const PrivacySettingsSchema = z.object({
  rules: AccessRulesSchema,
  delivery: DeliveryRulesSchema,
  visibility: VisibilityRulesSchema,
  blocked: z.array(z.string()),
});
export type PrivacySettings = z.infer<typeof PrivacySettingsSchema>;

/** How a watcher watched me: subscribed, fetched now and then, or fetched again and again. */
export const WatcherKindSchema = z.enum(["subscriber", "fetcher", "poller"]);
export type WatcherKind = z.infer<typeof WatcherKindSchema>;

/**
 * One entry of my WATCHER INFORMATION. `id` names the watcher in requests about them: their
 * handle, or an opaque alias when they chose to stay anonymous (then `handle` is null).
 */
export const WatcherInfoSchema = z.object({
  id: z.string(),
  handle: z.string().nullable(),
  kind: WatcherKindSchema,
  /** Their subscription's state, or how their last fetch was answered. */
  state: SubscriptionStateSchema,
  firstAt: z.number(),
  lastAt: z.number(),
  counts: z.object({ hour: z.number(), day: z.number(), month: z.number() }),
  /** Fetches far more often than anyone needs to: a possible stalker. */
  flagged: z.boolean(),
  /**
   * What my access rules do with this watcher now ("active" may mean they see me offline).
   * Absent for an anonymous watcher: their rule could tell me who they are.
   */
  action: AccessActionSchema.optional(),
});
export type WatcherInfo = z.infer<typeof WatcherInfoSchema>;
export const WatcherInfoListSchema = z.object({ watchers: z.array(WatcherInfoSchema) });

/** The decision of my access rules for one watcher, and which rule made it. */
export const AccessDecisionSchema = AccessRuleSchema.extend({
  because: z.enum(["blocklist", "anonymous", "person", "group", "default"]),
  group: z.string().optional(),
});

export type AccessDecision = z.infer<typeof AccessDecisionSchema>;

/** "See what X sees": exactly what the room would send X now. */
export const WatcherPreviewSchema = z.object({
  watcher: z.string(),
  decision: AccessDecisionSchema,
  state: SubscriptionStateSchema,
  /** Null when X is sent nothing (refused, or waiting for my answer). */
  view: PresenceViewSchema.nullable(),
});
export type WatcherPreview = z.infer<typeof WatcherPreviewSchema>;
