import { type Availability, AvailabilitySchema, type ChosenState, type SetPresence } from "@pim/protocol";
import { type FormEvent, useEffect, useState } from "react";
import { ApiError } from "../../lib/api.ts";
import { availabilityLabel, presenceLabel, presenceTone } from "./presence-labels.ts";
import { useOwnPresence, useSetPresence } from "./useOwnPresence.ts";

/** The header's PRESENCE USER AGENT: availability, a note, and "invisible". */
export function StatusEditor() {
  const { data: presence } = useOwnPresence();
  const mutation = useSetPresence();
  const [note, setNote] = useState("");
  const savedNote = presence?.chosen.note ?? "";
  useEffect(() => setNote(savedNote), [savedNote]);

  if (!presence) return <section aria-label="Your status">Loading your status…</section>;
  const { view } = presence;
  // Shown at once while the change travels (optimistic); the server's answer then replaces it.
  const chosen = mutation.isPending
    ? { ...presence.chosen, ...withoutNulls(mutation.variables) }
    : presence.chosen;

  function saveNote(event: FormEvent) {
    event.preventDefault();
    mutation.mutate({ note: note.trim() === "" ? null : note });
  }

  return (
    <section aria-label="Your status" className="status-editor">
      <span className={`dot ${presenceTone(view)}`} aria-hidden="true" />
      <span className="shown-as">
        Shown as <strong>{chosen.invisible ? "Offline (invisible)" : presenceLabel(view)}</strong>
      </span>
      <label>
        Availability
        <select
          value={chosen.availability}
          onChange={(e) => mutation.mutate({ availability: e.target.value as Availability })}
        >
          {AvailabilitySchema.options.map((a) => (
            <option key={a} value={a}>
              {availabilityLabel(a)}
            </option>
          ))}
        </select>
      </label>
      <form onSubmit={saveNote} className="note-form">
        <label>
          Note
          <input
            value={note}
            maxLength={140}
            placeholder="What are you up to?"
            onChange={(e) => setNote(e.target.value)}
          />
        </label>
        <button type="submit">Set note</button>
      </form>
      <label className="check">
        <input
          type="checkbox"
          checked={chosen.invisible}
          onChange={(e) => mutation.mutate({ invisible: e.target.checked })}
        />
        Invisible
      </label>
      {mutation.error ? (
        <p role="alert" className="error">
          {mutation.error instanceof ApiError ? mutation.error.message : "Could not update your status."}
        </p>
      ) : null}
    </section>
  );
}

function withoutNulls(update: SetPresence): Partial<ChosenState> {
  const result: Partial<ChosenState> = {};
  if (update.availability !== undefined) result.availability = update.availability;
  if (update.invisible !== undefined) result.invisible = update.invisible;
  return result;
}
