import { z } from "zod";
import { DeliverableSchema, MESSAGE_LIMITS, MessageIdSchema, MessageTextSchema } from "./instant-messages.ts";
import { PresenceViewSchema } from "./presence.ts";
import { SubscriptionStateSchema } from "./watchers.ts";

/**
 * Room-to-room calls: every call one room makes to another, signed by the calling room, with
 * its request and reply schema (`ROOM_CALLS` at the end). The caller's identity comes from the
 * signature, never from the body.
 */

/** The body of a call that needs nothing but who calls. */
export const RcEmptySchema = z.object({});
/** The reply of a call that only says it was done. */
export const RcOkSchema = z.object({ ok: z.literal(true) });

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

export type RcFetchReply = z.infer<typeof RcFetchReplySchema>;

/** watcher's room -> presentity's room: does this principal exist (rules must name real people). */
export const RcExistsReplySchema = z.object({ exists: z.boolean() });

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

/** sender's room -> recipient's room: an INSTANT MESSAGE. The sender is the verified caller. */
export const RcDeliverSchema = z.object({ id: MessageIdSchema, text: MessageTextSchema, sentAt: z.number() });
export const RcDeliverReplySchema = z.discriminatedUnion("accepted", [
  z.object({ accepted: z.literal(true), silent: z.boolean() }),
  z.object({
    accepted: z.literal(false),
    /** inbox_full: the sender (not on the recipient's buddy list) left too much unread. */
    reason: z.enum(["refused", "closed", "rate_limited", "inbox_full"]),
    message: z.string(),
    retryAfter: z.number().optional(),
  }),
]);
export type RcDeliverReply = z.infer<typeof RcDeliverReplySchema>;
/** recipient's room -> sender's room: these messages of yours were read. */
export const RcReceiptSchema = z.object({ ids: z.array(MessageIdSchema).max(MESSAGE_LIMITS.maxReceiptIds) });
/** one conversation partner's room -> the other's: typing, or stopped. */
export const RcTypingSchema = z.object({ typing: z.boolean() });

/** principal's room -> the sign-up gate of a network address: one more new account? */
export const RcTakeReplySchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true) }),
  /** Seconds until that address may make a new account. */
  z.object({ ok: z.literal(false), retryAfter: z.number().int().positive() }),
]);

/**
 * Every room-to-room call, by name: which party answers it, its path there, and the schemas of
 * its request and its reply. Callers are typed by it (`RoomClient.call`) and each party's
 * handlers are checked against it, so a call cannot be made or answered off the table.
 */
export const ROOM_CALLS = {
  /** watcher -> presentity: subscribe me (SUBSCRIPTION request). */
  subscribe: {
    party: "user",
    path: "/rc/subscribe",
    request: RcSubscribeSchema,
    reply: RcSubscribeReplySchema,
  },
  /** watcher -> presentity: end my subscription. */
  unsubscribe: { party: "user", path: "/rc/unsubscribe", request: RcEmptySchema, reply: RcOkSchema },
  /** watcher -> presentity: the view for me now (a FETCH, or a refresh). */
  fetch: { party: "user", path: "/rc/fetch", request: RcFetchSchema, reply: RcFetchReplySchema },
  /** anyone -> a principal's room: does this principal exist? */
  exists: { party: "user", path: "/rc/exists", request: RcEmptySchema, reply: RcExistsReplySchema },
  /** presentity -> subscriber: a NOTIFICATION, by HTTP (when its channel cannot carry it). */
  notify: { party: "user", path: "/rc/notify", request: RcNotifySchema, reply: RcOkSchema },
  /** sender -> recipient: an INSTANT MESSAGE for the inbox. */
  deliver: { party: "user", path: "/rc/deliver", request: RcDeliverSchema, reply: RcDeliverReplySchema },
  /** sender -> recipient: would you accept a message from me now? */
  deliverable: { party: "user", path: "/rc/deliverable", request: RcEmptySchema, reply: DeliverableSchema },
  /** recipient -> sender: read receipts. */
  receipt: { party: "user", path: "/rc/receipt", request: RcReceiptSchema, reply: RcOkSchema },
  /** conversation partner -> partner: typing notices. */
  typing: { party: "user", path: "/rc/typing", request: RcTypingSchema, reply: RcOkSchema },
  /** principal's room -> sign-up gate: take one new account from the address's allowance. */
  take: { party: "signups", path: "/take", request: RcEmptySchema, reply: RcTakeReplySchema },
} as const satisfies Record<
  string,
  { party: "user" | "signups"; path: `/${string}`; request: z.ZodType; reply: z.ZodType }
>;

export type RoomCallName = keyof typeof ROOM_CALLS;
/** The party that answers a call. */
export type RoomCallParty = (typeof ROOM_CALLS)[RoomCallName]["party"];
/** The calls a party answers. */
export type RoomCallsOf<P extends RoomCallParty> = {
  [K in RoomCallName]: (typeof ROOM_CALLS)[K]["party"] extends P ? K : never;
}[RoomCallName];
/** What the caller passes (defaults not yet applied). */
export type RoomCallRequest<K extends RoomCallName> = z.input<(typeof ROOM_CALLS)[K]["request"]>;
/** What the callee reads, once parsed. */
export type RoomCallBody<K extends RoomCallName> = z.output<(typeof ROOM_CALLS)[K]["request"]>;
/** What the callee answers, and the caller reads once parsed. */
export type RoomCallReply<K extends RoomCallName> = z.output<(typeof ROOM_CALLS)[K]["reply"]>;

/** The room call a party answers at a path, if any. */
export function roomCallAt(party: RoomCallParty, path: string): RoomCallName | undefined {
  for (const [name, call] of Object.entries(ROOM_CALLS)) {
    if (call.party === party && call.path === path) return name as RoomCallName;
  }
  return undefined;
}
