import { z } from "zod";
import { LIMITS } from "./limits.ts";

const HANDLE_PATTERN = /^[A-Za-z0-9._-]+$/;
const HANDLE_ENDS = /^[A-Za-z0-9](?:.*[A-Za-z0-9])?$/;

/**
 * Handles that read as the system or as a word of the code: every name on `Object.prototype`
 * (lower case, as handles are compared), `prototype`, and words a person could be fooled by.
 */
export const RESERVED_HANDLES: ReadonlySet<string> = new Set([
  "__proto__",
  "__definegetter__",
  "__definesetter__",
  "__lookupgetter__",
  "__lookupsetter__",
  "constructor",
  "hasownproperty",
  "isprototypeof",
  "propertyisenumerable",
  "tolocalestring",
  "tostring",
  "valueof",
  "prototype",
  "admin",
  "administrator",
  "root",
  "system",
  "support",
  "security",
  "help",
  "api",
  "null",
  "undefined",
  "anonymous",
  "everyone",
  "me",
  "pim",
]);

/** True when a handle, in any case, is one no principal may have. */
export function isReservedHandle(handle: string): boolean {
  return RESERVED_HANDLES.has(handle.toLowerCase());
}

/**
 * A principal's handle as typed by a person: 3-32 letters, digits, `.`, `_`, `-`, starting and
 * ending with a letter or digit, and not reserved. Handles are unique regardless of case;
 * `canonicalHandle` gives the room id.
 */
export const HandleSchema = z
  .string()
  .min(LIMITS.handleMinLength, `A handle has at least ${LIMITS.handleMinLength} characters.`)
  .max(LIMITS.handleMaxLength, `A handle has at most ${LIMITS.handleMaxLength} characters.`)
  .regex(HANDLE_PATTERN, "A handle may use only letters, digits, '.', '_' and '-'.")
  // Each rule speaks only when the ones before it hold, so a handle gets one reason at a time.
  .refine(
    (handle) => !HANDLE_PATTERN.test(handle) || HANDLE_ENDS.test(handle),
    "A handle starts and ends with a letter or a digit.",
  )
  .refine((handle) => !HANDLE_ENDS.test(handle) || !isReservedHandle(handle), "That handle is reserved.");

/** The case-folded form of a handle: the principal's room id and identity. */
export function canonicalHandle(handle: string): string {
  return handle.toLowerCase();
}

/**
 * A handle as the server takes it: valid, then lower-cased and branded, so code past the edge
 * (route parameters, bodies, socket frames) can hold no other form. `HandleSchema` alone only
 * checks what a person typed (the SPA's forms still use it that way).
 */
export const CanonicalHandleSchema = HandleSchema.transform(canonicalHandle).brand<"Handle">();
/** A principal's handle in canonical form: only `CanonicalHandleSchema` or `asHandle` make one. */
export type Handle = z.output<typeof CanonicalHandleSchema>;

/** An id already known to be canonical (a room id, a verified caller) as a Handle; else undefined. */
export function asHandle(id: string): Handle | undefined {
  return isCanonicalHandle(id) ? (id as Handle) : undefined;
}

/** True when `id` is a valid handle already in canonical (lower-case) form. */
export function isCanonicalHandle(id: string): boolean {
  return HandleSchema.safeParse(id).success && id === canonicalHandle(id);
}

/** The INSTANT INBOX ADDRESS of a principal (RFC 2778 CONTACT ADDRESS). */
export function inboxAddress(handle: string): `im:${string}` {
  return `im:${canonicalHandle(handle)}`;
}

export const PasswordSchema = z
  .string()
  .min(LIMITS.passwordMinLength, `A password has at least ${LIMITS.passwordMinLength} characters.`)
  .max(LIMITS.passwordMaxLength, `A password has at most ${LIMITS.passwordMaxLength} characters.`);
