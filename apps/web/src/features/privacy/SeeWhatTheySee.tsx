import type { PresenceView } from "@pim/protocol";
import { type FormEvent, useState } from "react";
import { timeAgo } from "../../lib/time.ts";
import { useNow } from "../../lib/useNow.ts";
import { availabilityLabel } from "../presence/presence-labels.ts";
import { errorText } from "./errors.ts";
import { decisionLabel, STATE_LABELS } from "./labels.ts";
import { usePreview } from "./usePrivacy.ts";

/** "See what X sees": the exact view my room would send X now, field by field. */
export function SeeWhatTheySee() {
  const [draft, setDraft] = useState("");
  const [watcher, setWatcher] = useState("");
  const preview = usePreview(watcher);

  function submit(event: FormEvent) {
    event.preventDefault();
    setWatcher(draft.trim().toLowerCase());
  }

  return (
    <section aria-label="See what someone sees" className="card">
      <h3>See what someone sees</h3>
      <form onSubmit={submit} className="inline">
        <label>
          Whose view
          <input value={draft} autoComplete="off" onChange={(e) => setDraft(e.target.value)} />
        </label>
        <button type="submit">Show their view</button>
      </form>
      {preview.error ? (
        <p role="alert" className="error">
          {errorText(preview.error)}
        </p>
      ) : null}
      {preview.data ? (
        <section aria-label={`What ${preview.data.watcher} sees`}>
          <p>{decisionLabel(preview.data.decision)}</p>
          {preview.data.view ? (
            <ViewFields view={preview.data.view} />
          ) : (
            <p>
              Nothing:{" "}
              {preview.data.state === "pending"
                ? "they wait for your answer"
                : STATE_LABELS[preview.data.state].toLowerCase()}
              .
            </p>
          )}
        </section>
      ) : null}
    </section>
  );
}

/** A presence view, field by field, as the watcher would get it. */
export function ViewFields({ view }: { view: PresenceView }) {
  const now = useNow(30_000);
  const rows: [string, string][] = [["Status", view.status === "open" ? "Online" : "Offline"]];
  if (view.availability) rows.push(["Availability", availabilityLabel(view.availability)]);
  if (view.note !== undefined) rows.push(["Note", view.note]);
  if (view.devices) rows.push(["Devices", view.devices.map((d) => d.device).join(", ") || "none"]);
  if (view.lastSeen !== undefined) rows.push(["Last seen", timeAgo(view.lastSeen, now)]);
  return (
    <dl className="view-fields">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
