import { LIMITS } from "./limits.ts";

/**
 * Characters that reorder the text around them: bidirectional embeddings and overrides
 * (U+202A-U+202E), isolates (U+2066-U+2069) and the invisible direction marks (U+200E, U+200F,
 * U+061C). In a name or a note they can make one text read as another ("Trojan Source").
 */
export const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

const LABEL_REMOVED = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

/**
 * A device label as it may be shown: control and bidirectional characters removed, trimmed, at
 * most `deviceLabelMaxLength` UTF-16 units without splitting a character; "" when nothing is left.
 */
export function cleanDeviceLabel(raw: string): string {
  let label = raw.replace(LABEL_REMOVED, "").trim().slice(0, LIMITS.deviceLabelMaxLength);
  if (/[\uD800-\uDBFF]$/.test(label)) label = label.slice(0, -1);
  return label.trim();
}
