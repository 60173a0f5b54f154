import type { ChosenState, SetPresence } from "@pim/protocol";

export type ChosenUpdate =
  | { ok: true; chosen: ChosenState }
  | { ok: false; code: "invalid"; message: string };

/**
 * Applies a presence update to the chosen state (null clears a field), refusing what the schema
 * cannot know is wrong: an expiry in the past, or an expiry with no note to expire. A new note
 * does not inherit the old note's expiry.
 */
export function validateChosenUpdate(current: ChosenState, update: SetPresence, now: number): ChosenUpdate {
  const next: ChosenState = { ...current };
  if (update.availability !== undefined) next.availability = update.availability;
  if (update.invisible !== undefined) next.invisible = update.invisible;
  if (update.note !== undefined) {
    delete next.noteExpiresAt;
    if (update.note === null || update.note.trim() === "") delete next.note;
    else next.note = update.note;
  }
  if (update.noteExpiresAt !== undefined) {
    if (update.noteExpiresAt === null) delete next.noteExpiresAt;
    else if (update.noteExpiresAt <= now) {
      return { ok: false, code: "invalid", message: "The note's expiry time is in the past." };
    } else if (!next.note) {
      return { ok: false, code: "invalid", message: "An expiry time needs a note to expire." };
    } else next.noteExpiresAt = update.noteExpiresAt;
  }
  if (update.markup !== undefined) {
    if (update.markup === null) delete next.markup;
    else next.markup = update.markup;
  }
  return { ok: true, chosen: next };
}
