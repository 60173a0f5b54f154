import { z } from "zod";
import { PresenceViewSchema } from "./presence.ts";
import { SubscriptionStateSchema } from "./watchers.ts";

/**
 * Bodies of room-to-room calls (`/rc/*`), signed by the calling room. The caller's identity
 * comes from the signature, never from the body.
 */

/** watcher's room -> presentity's room: subscribe me. Answer: SubscribeReply. */
export const RcSubscribeSchema = z.object({
  /** The watcher's VISIBILITY RULES: appear as "anonymous watcher" to this presentity. */
  anonymous: z.boolean().default(false),
});
export const RcSubscribeReplySchema = z.object({
  state: SubscriptionStateSchema,
  view: PresenceViewSchema.optional(),
  seq: z.number().optional(),
});
export type RcSubscribeReply = z.infer<typeof RcSubscribeReplySchema>;

/** watcher's room -> presentity's room: end my subscription. */
export const RcUnsubscribeSchema = z.object({});

/** watcher's room -> presentity's room: the current view for me (a FETCH, or a refresh). */
export const RcFetchSchema = z.object({
  purpose: z.enum(["fetch", "refresh"]),
  anonymous: z.boolean().default(false),
});
export const RcFetchReplySchema = z.object({
  /** Where this watcher's subscription stands (absent when they never subscribed). */
  state: SubscriptionStateSchema.optional(),
  /** What the access rules let this watcher see now; absent when they may see nothing. */
  view: PresenceViewSchema.optional(),
  /**
   * When no view: whether the rules refuse this watcher or wait for the presentity's answer, or
   * this watcher fetched too often (answered before any rule is asked, so it tells nothing).
   */
  access: z.enum(["granted", "pending", "refused", "rate_limited"]),
  seq: z.number(),
  /** Seconds until a rate-limited watcher may fetch again. */
  retryAfter: z.number().int().positive().optional(),
});

/** watcher's room -> presentity's room: does this principal exist (rules must name real people). */
export const RcExistsReplySchema = z.object({ exists: z.boolean() });
export type RcFetchReply = z.infer<typeof RcFetchReplySchema>;

/**
 * presentity's room -> subscriber's room: a NOTIFICATION. `seq` grows with every change the
 * presentity publishes, so a late, older notification never overwrites a newer one.
 */
export const RcNotifySchema = z.object({
  state: SubscriptionStateSchema,
  view: PresenceViewSchema.optional(),
  seq: z.number(),
});
export type RcNotify = z.infer<typeof RcNotifySchema>;

/**
 * The NOTIFICATION channel: a socket a presentity's room keeps open to each subscriber's room,
 * opened with a signed upgrade to this path (so every frame on it is the signer's), because a
 * frame on an open socket costs far less than a room-to-room HTTP call when one change goes to
 * hundreds of subscribers. A frame with `n` (numbering the frames of one channel) asks for a
 * reply; one without is answered only when it is not wanted or failed.
 */
export const RC_CHANNEL_PATH = "/rc/channel";
export const RcChannelFrameSchema = z.object({
  type: z.literal("notify"),
  n: z.number().int().nonnegative().optional(),
  notification: RcNotifySchema,
});
export type RcChannelFrame = z.infer<typeof RcChannelFrameSchema>;
/** subscriber's room -> presentity's room: stored ("notified"), not subscribed ("gone"), or failed. */
export const RcChannelReplySchema = z.object({
  type: z.enum(["notified", "gone", "failed"]),
  n: z.number().int().nonnegative().optional(),
});
export type RcChannelReply = z.infer<typeof RcChannelReplySchema>;
