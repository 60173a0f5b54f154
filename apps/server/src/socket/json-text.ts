import type { Buddy } from "@pim/protocol";

/** A value's JSON text, branded with the value's type: it can only go where that type may. */
export type JsonText<T> = string & { readonly __jsonOf: T };

/** `JSON.stringify(value)`, typed by what it holds. */
export function jsonText<T>(value: T): JsonText<T> {
  return JSON.stringify(value) as JsonText<T>;
}

/**
 * The `buddy.updated` frame for a buddy already serialized: exactly what
 * `JSON.stringify({ type: "buddy.updated", buddy })` writes. A subscriber's room serializes the
 * buddy once per NOTIFICATION (to see whether it changed) and sends that text, not a second copy.
 */
export function buddyUpdatedFrame(buddy: JsonText<Buddy>): string {
  return `{"type":"buddy.updated","buddy":${buddy}}`;
}
