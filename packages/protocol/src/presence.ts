import { z } from "zod";
import { BIDI_CONTROL } from "./bidi.ts";
import { LIMITS } from "./limits.ts";
import { utf8Length } from "./utf8.ts";

/** STATUS (RFC 2778): OPEN accepts instant messages now, CLOSED does not. */
export const StatusSchema = z.enum(["open", "closed"]);
export type Status = z.infer<typeof StatusSchema>;

/** Availability, a further STATUS value that says how reachable an OPEN principal is. */
export const AvailabilitySchema = z.enum(["available", "away", "busy", "dnd"]);
export type Availability = z.infer<typeof AvailabilitySchema>;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const NoteSchema = z
  .string()
  .max(LIMITS.noteMaxLength, `A note has at most ${LIMITS.noteMaxLength} characters.`)
  // A note is one line of text that every watcher's client and PIDF document must carry.
  .refine((note) => !/[\p{Cc}\uFFFE\uFFFF]/u.test(note), "A note cannot contain control characters.")
  .refine((note) => !LONE_SURROGATE.test(note), "A note must be valid Unicode text.")
  .refine(
    (note) => !BIDI_CONTROL.test(note),
    "A note cannot contain characters that change the direction of text.",
  );

/** OTHER PRESENCE MARKUP: a small free-form object (an emoji, "in a meeting until 15:00"). */
export const MarkupSchema = z
  .record(
    z.string().min(1).max(32, "A markup key has at most 32 characters."),
    z.union([z.string().max(128, "A markup value has at most 128 characters."), z.number(), z.boolean()]),
  )
  .refine((markup) => Object.keys(markup).length <= LIMITS.markupMaxKeys, {
    message: `Markup has at most ${LIMITS.markupMaxKeys} keys.`,
  })
  .refine((markup) => utf8Length(JSON.stringify(markup)) <= LIMITS.markupMaxBytes, {
    message: `Markup is at most ${LIMITS.markupMaxBytes} bytes.`,
  });
export type Markup = z.infer<typeof MarkupSchema>;

/** One PRESENCE TUPLE per connected device (a browser tab, a script's socket). */
export const PresenceTupleSchema = z.object({
  id: z.string(),
  status: StatusSchema,
  /** "away" when this device has been idle for a while. */
  availability: AvailabilitySchema,
  device: z.string().max(LIMITS.deviceLabelMaxLength),
  /** The CONTACT ADDRESS: the INSTANT INBOX ADDRESS `im:<handle>`. */
  contact: z.string(),
  since: z.number(),
});
export type PresenceTuple = z.infer<typeof PresenceTupleSchema>;

/** What the principal chooses to publish, kept across sign-ins. */
export const ChosenStateSchema = z.object({
  availability: AvailabilitySchema,
  note: NoteSchema.optional(),
  noteExpiresAt: z.number().optional(),
  /** Appear CLOSED to everyone while still using the app. */
  invisible: z.boolean(),
  markup: MarkupSchema.optional(),
});
export type ChosenState = z.infer<typeof ChosenStateSchema>;

/** POST /parties/user/:me/presence: a partial update; null clears a field. */
export const SetPresenceSchema = z
  .object({
    availability: AvailabilitySchema.optional(),
    note: NoteSchema.nullable().optional(),
    noteExpiresAt: z.number().int().positive().nullable().optional(),
    invisible: z.boolean().optional(),
    markup: MarkupSchema.nullable().optional(),
  })
  .strict();
export type SetPresence = z.infer<typeof SetPresenceSchema>;

/** One device as a watcher may see it. */
export const DeviceViewSchema = z.object({
  device: z.string(),
  availability: AvailabilitySchema,
  status: StatusSchema,
});

/**
 * A presentity's PRESENCE INFORMATION as one watcher receives it. Everything but the handle and
 * STATUS is optional: the presentity's access rules decide which parts a watcher sees.
 */
export const PresenceViewSchema = z.object({
  handle: z.string(),
  status: StatusSchema,
  availability: AvailabilitySchema.optional(),
  note: z.string().optional(),
  lastSeen: z.number().optional(),
  devices: z.array(DeviceViewSchema).optional(),
  markup: MarkupSchema.optional(),
  contact: z.string().optional(),
});
export type PresenceView = z.infer<typeof PresenceViewSchema>;
