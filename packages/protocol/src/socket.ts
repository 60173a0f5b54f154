import { z } from "zod";
import { ErrorCodeSchema } from "./errors.ts";
import {
  ConversationDeletedSchema,
  ConversationReadSchema,
  MessageAckSchema,
  MessageDeletedSchema,
  MessageReadSchema,
  MessageSendSchema,
  MessageStoredSchema,
  TypingNoticeSchema,
  TypingSendSchema,
} from "./instant-messages.ts";
import { ChosenStateSchema, PresenceTupleSchema, PresenceViewSchema } from "./presence.ts";
import { WatcherInfoSchema } from "./privacy.ts";
import { BuddySchema, SubscriberSchema } from "./watchers.ts";

/** client -> own room */
export const ClientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ping"), id: z.string().max(64).optional() }),
  /** This tab has been idle (no input) for a while, or is active again. */
  z.object({ type: z.literal("device.idle"), idle: z.boolean() }),
  MessageSendSchema,
  MessageReadSchema,
  TypingSendSchema,
]);
/** A client message as a client writes it (handles as typed). */
export type ClientMessage = z.input<typeof ClientMessageSchema>;
/** A client message as the room reads it once parsed (handles canonical, branded). */
export type ParsedClientMessage = z.output<typeof ClientMessageSchema>;

/** My own presence as watchers see it (before their access rules), my chosen state, my devices. */
export const OwnPresenceSchema = z.object({
  view: PresenceViewSchema,
  chosen: ChosenStateSchema,
  devices: z.array(PresenceTupleSchema),
});
export type OwnPresence = z.infer<typeof OwnPresenceSchema>;

/** own room -> client */
export const ServerMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("hello"),
    protocol: z.number(),
    handle: z.string(),
    sessionId: z.string(),
    connectionId: z.string(),
  }),
  z.object({ type: z.literal("pong"), id: z.string().optional() }),
  z.object({
    type: z.literal("error"),
    code: ErrorCodeSchema,
    message: z.string(),
    /** The id of the client message this error answers, when it had one. */
    ref: z.string().optional(),
  }),
  z.object({ type: z.literal("presence.self"), presence: OwnPresenceSchema }),
  /** The whole buddy list, fresh from every buddy's room: sent after each (re)connect. */
  z.object({ type: z.literal("buddies"), buddies: z.array(BuddySchema) }),
  z.object({ type: z.literal("buddy.updated"), buddy: BuddySchema }),
  z.object({ type: z.literal("buddy.removed"), handle: z.string() }),
  z.object({ type: z.literal("subscriber.updated"), subscriber: SubscriberSchema }),
  /** My WATCHER INFORMATION changed: one watcher's entry, live. */
  z.object({ type: z.literal("watcher.updated"), watcher: WatcherInfoSchema }),
  /** A watcher's entry was forgotten (its kept period ended, or newer watchers took its place). */
  z.object({ type: z.literal("watcher.removed"), id: z.string() }),
  /** My rules or blocklist changed (in another tab, or by a one-click block). */
  z.object({ type: z.literal("privacy.updated") }),
  MessageAckSchema,
  MessageStoredSchema,
  MessageDeletedSchema,
  ConversationReadSchema,
  ConversationDeletedSchema,
  TypingNoticeSchema,
  /**
   * The room is closing this socket (signed out, too many tabs, a frame too large): the tab
   * closes it itself. A close started by a hibernating room can take until its eviction to reach
   * the tab; the room still closes the socket after a short grace (see `closeTab`).
   */
  z.object({ type: z.literal("closing"), code: z.number().int(), reason: z.string().max(200) }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
