import { z } from "zod";
import { CanonicalHandleSchema, HandleSchema } from "./handle.ts";
import { utf8Length } from "./utf8.ts";

/**
 * INSTANT MESSAGES (RFC 2778 sections 2.2, 2.5): small messages a SENDER hands to the service
 * for an INSTANT INBOX, and the recipient's DELIVERY RULES.
 */
export const MESSAGE_LIMITS = {
  maxChars: 4000,
  maxBytes: 16_000,
  pageSize: 50,
  maxPageSize: 200,
  maxReceiptIds: 500,
  /** The conversation list keeps this many characters of the last message. */
  previewChars: 140,
} as const;

/** Chosen by the sending client, so a resend after a reconnect is recognized, never doubled. */
export const MessageIdSchema = z
  .string()
  .min(8, "A message id has at least 8 characters.")
  .max(64, "A message id has at most 64 characters.")
  .regex(/^[A-Za-z0-9_-]+$/, "A message id may use only letters, digits, '_' and '-'.");

export const MessageTextSchema = z
  .string()
  .refine((text) => text.trim().length > 0, "A message cannot be empty.")
  .refine((text) => [...text].length <= MESSAGE_LIMITS.maxChars, "A message has at most 4,000 characters.")
  .refine(
    (text) => utf8Length(text) <= MESSAGE_LIMITS.maxBytes,
    `A message has at most ${MESSAGE_LIMITS.maxBytes} bytes.`,
  );

/** DELIVERY RULES: the recipient's, enforced in the recipient's room. */
export const DeliveryRulesSchema = z.strictObject({
  /** Who may write to me. */
  whoMayWrite: z.enum(["anyone", "buddies", "nobody"]),
  /** While I am CLOSED: keep messages for later, or refuse them (senders are told before sending). */
  whileClosed: z.enum(["accept", "refuse"]),
  /** While busy or do-not-disturb messages arrive silently, except from these people. */
  alwaysThrough: z.array(HandleSchema).max(200, "At most 200 people always get through."),
  /** Tell senders when I have read their messages. */
  readReceipts: z.boolean(),
});
export type DeliveryRules = z.infer<typeof DeliveryRulesSchema>;

/**
 * sending: placed by my room and on its way (held in memory and on my tabs, not stored: decision
 * 14); delivered: in their inbox; read: they saw it; failed: not delivered (with a reason).
 */
export const MessageStateSchema = z.enum(["sending", "delivered", "read", "failed"]);
export type MessageState = z.infer<typeof MessageStateSchema>;

/** A message as a room stores it and sends it to its principal's tabs. */
export const StoredMessageSchema = z.object({
  id: MessageIdSchema,
  /** The other party of the conversation. */
  conversation: z.string(),
  from: z.string(),
  to: z.string(),
  text: z.string(),
  sentAt: z.number(),
  /** The message's place in this conversation, in this room (1, 2, 3, ...). */
  seq: z.number().int().positive(),
  state: MessageStateSchema,
  /** Why it was not delivered, in words. */
  reason: z.string().optional(),
  /** Arrived while I was busy: no sound, no browser notification. */
  silent: z.boolean().optional(),
});
export type StoredMessage = z.infer<typeof StoredMessageSchema>;

/** client -> own room */
export const MessageSendSchema = z.strictObject({
  type: z.literal("message.send"),
  id: MessageIdSchema,
  to: CanonicalHandleSchema,
  text: MessageTextSchema,
});
export const MessageReadSchema = z.strictObject({
  type: z.literal("message.read"),
  conversation: CanonicalHandleSchema,
  upToSeq: z.number().int().nonnegative(),
});
export const TypingSendSchema = z.strictObject({
  type: z.literal("typing"),
  to: CanonicalHandleSchema,
  typing: z.boolean(),
});

/** own room -> client */
export const MessageAckSchema = z.object({
  type: z.literal("message.ack"),
  id: z.string(),
  state: MessageStateSchema,
  reason: z.string().optional(),
  retryAfter: z.number().optional(),
});
export type MessageAck = z.infer<typeof MessageAckSchema>;
export const MessageStoredSchema = z.object({
  type: z.literal("message.stored"),
  message: StoredMessageSchema,
});
export const MessageDeletedSchema = z.object({
  type: z.literal("message.deleted"),
  conversation: z.string(),
  seq: z.number(),
});
export const ConversationReadSchema = z.object({
  type: z.literal("conversation.read"),
  conversation: z.string(),
  upToSeq: z.number(),
  unread: z.number(),
});
export const ConversationDeletedSchema = z.object({
  type: z.literal("conversation.deleted"),
  conversation: z.string(),
});
export const TypingNoticeSchema = z.object({
  type: z.literal("typing"),
  from: z.string(),
  typing: z.boolean(),
});

/** HTTP: my conversations and their history. */
export const ConversationSummarySchema = z.object({
  with: z.string(),
  /** The newest message, its text cut to a preview (`MESSAGE_LIMITS.previewChars`, then "…"). */
  last: StoredMessageSchema.optional(),
  unread: z.number(),
  lastSeq: z.number(),
  readUpTo: z.number(),
});
export type ConversationSummary = z.infer<typeof ConversationSummarySchema>;
export const ConversationListSchema = z.object({ conversations: z.array(ConversationSummarySchema) });
export const HistoryPageSchema = z.object({
  messages: z.array(StoredMessageSchema),
  /** Pass as `before` for the next, older page; absent at the beginning of the conversation. */
  before: z.number().optional(),
});
export type HistoryPage = z.infer<typeof HistoryPageSchema>;
export const HistoryQuerySchema = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(MESSAGE_LIMITS.maxPageSize).default(MESSAGE_LIMITS.pageSize),
});
/** Whether the recipient would accept a message from me now (shown before sending). */
export const DeliverableSchema = z.object({ accepting: z.boolean(), message: z.string().optional() });
export type Deliverable = z.infer<typeof DeliverableSchema>;
