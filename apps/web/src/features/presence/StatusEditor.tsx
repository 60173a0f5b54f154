import { type Availability, AvailabilitySchema, type ChosenState, type SetPresence } from "@pim/protocol";
import { type FormEvent, useEffect, useState } from "react";
import { ApiError } from "../../lib/api.ts";
import { useConfirmedSelect } from "../../lib/useConfirmedSelect.ts";
import { availabilityLabel, presenceLabel, presenceTone } from "./presence-labels.ts";
import { useOwnPresence, useSetPresence } from "./useOwnPresence.ts";

/** The PRESENCE USER AGENT, in the status menu: availability, a note with its expiry, and "invisible". */
export function StatusEditor() {
  const { data: presence } = useOwnPresence();
  const mutation = useSetPresence();
  const [note, setNote] = useState("");
  const [clearsAfter, setClearsAfter] = useState("0");
  // The checkbox follows the click at once (a controlled input would flip back until the
  // mutation is pending); the room's answer then takes over.
  const [invisibleDraft, setInvisibleDraft] = useState<boolean | null>(null);
  // "Note set." for a moment after setting it: an answer to pressing the button, not a state.
  const [noteSaved, setNoteSaved] = useState<string | null>(null);
  useEffect(() => {
    if (!noteSaved) return;
    const timer = setTimeout(() => setNoteSaved(null), 4_000);
    return () => clearTimeout(timer);
  }, [noteSaved]);
  const savedNote = presence?.chosen.note ?? "";
  useEffect(() => setNote(savedNote), [savedNote]);
  const availability = useConfirmedSelect<Availability>(
    (mutation.isPending ? mutation.variables?.availability : undefined) ??
      presence?.chosen.availability ??
      "available",
    (value) => mutation.mutate({ availability: value }),
  );

  if (!presence) return <p>Loading your status…</p>;
  const { view } = presence;
  // Shown at once while the change travels (optimistic); the server's answer then replaces it.
  const chosen = mutation.isPending
    ? { ...presence.chosen, ...withoutNulls(mutation.variables) }
    : presence.chosen;

  function saveNote(event: FormEvent) {
    event.preventDefault();
    const empty = note.trim() === "";
    const ms = Number(clearsAfter);
    mutation.mutate(
      { note: empty ? null : note, noteExpiresAt: empty || ms === 0 ? null : Date.now() + ms },
      { onSuccess: () => setNoteSaved(empty ? "Note cleared." : "Note set.") },
    );
  }
  const expiresAt = presence.chosen.noteExpiresAt;

  return (
    <div className="status-editor">
      <span className={`dot ${presenceTone(view)}`} aria-hidden="true" />
      <span className="shown-as">
        Shown as <strong>{chosen.invisible ? "Offline (invisible)" : presenceLabel(view)}</strong>
      </span>
      <label>
        Availability
        <select {...availability}>
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
        <label>
          Clears
          <select value={clearsAfter} onChange={(e) => setClearsAfter(e.target.value)}>
            {NOTE_EXPIRY.map(([label, ms]) => (
              <option key={label} value={String(ms)}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Set note</button>
        {presence.chosen.note && expiresAt ? (
          <span className="hint">
            until {new Date(expiresAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
          </span>
        ) : null}
      </form>
      <label className="check">
        <input
          type="checkbox"
          checked={invisibleDraft ?? chosen.invisible}
          onChange={(e) => {
            setInvisibleDraft(e.target.checked);
            mutation.mutate({ invisible: e.target.checked }, { onSettled: () => setInvisibleDraft(null) });
          }}
        />
        Invisible
      </label>
      {mutation.error ? (
        <p role="alert" className="error">
          {mutation.error instanceof ApiError ? mutation.error.message : "Could not update your status."}
        </p>
      ) : noteSaved ? (
        <p role="status">{noteSaved}</p>
      ) : null}
    </div>
  );
}

/** When a note clears by itself (its expiry time), for the note form. */
const NOTE_EXPIRY: [string, number][] = [
  ["never", 0],
  ["in 30 minutes", 30 * 60_000],
  ["in 1 hour", 60 * 60_000],
  ["in 4 hours", 4 * 60 * 60_000],
  ["in a day", 24 * 60 * 60_000],
];

function withoutNulls(update: SetPresence): Partial<ChosenState> {
  const result: Partial<ChosenState> = {};
  if (update.availability !== undefined) result.availability = update.availability;
  if (update.invisible !== undefined) result.invisible = update.invisible;
  return result;
}
