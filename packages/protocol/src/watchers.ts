import { z } from "zod";
import { CanonicalHandleSchema } from "./handle.ts";
import { PresenceViewSchema } from "./presence.ts";

/**
 * SUBSCRIPTIONS, seen from both ends. A buddy is a presentity I subscribe to (I am the
 * SUBSCRIBER); a subscriber is a WATCHER subscribed to me (I am the PRESENTITY).
 */
export const SubscriptionStateSchema = z.enum(["pending", "active", "refused", "ended"]);
export type SubscriptionState = z.infer<typeof SubscriptionStateSchema>;

/** An entry of my buddy list: the state of my subscription and the last view I was sent. */
export const BuddySchema = z.object({
  handle: z.string(),
  state: SubscriptionStateSchema,
  since: z.number(),
  /** The presentity's presence as its access rules let me see it; absent until active. */
  view: PresenceViewSchema.optional(),
});
export type Buddy = z.infer<typeof BuddySchema>;

/** A watcher who asked to subscribe to me, and where that stands. */
export const SubscriberSchema = z.object({
  /** Their handle, or an opaque alias when they watch anonymously (VISIBILITY RULES). */
  handle: z.string(),
  anonymous: z.boolean().optional(),
  state: SubscriptionStateSchema,
  requestedAt: z.number(),
  decidedAt: z.number().optional(),
});
export type Subscriber = z.infer<typeof SubscriberSchema>;

/** POST /parties/user/:me/buddies */
export const AddBuddySchema = z.object({ handle: CanonicalHandleSchema });
export type AddBuddy = z.infer<typeof AddBuddySchema>;

/** POST /parties/user/:me/subscribers/:watcher, answering a pending request. */
export const AnswerSubscriberSchema = z.object({ decision: z.enum(["approve", "deny"]) });
export type AnswerSubscriber = z.infer<typeof AnswerSubscriberSchema>;

export const BuddyListSchema = z.object({ buddies: z.array(BuddySchema) });
export const SubscriberListSchema = z.object({ subscribers: z.array(SubscriberSchema) });
