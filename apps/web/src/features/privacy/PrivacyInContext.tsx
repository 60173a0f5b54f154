import { useId } from "react";
import { useConfirmedSelect } from "../../lib/useConfirmedSelect.ts";
import { errorText } from "./errors.ts";
import { decisionLabel, SHOW_LABELS, STATE_LABELS } from "./labels.ts";
import { ViewFields } from "./SeeWhatTheySee.tsx";
import { type PersonAccess, usePersonAccess } from "./usePersonAccess.ts";
import { usePreview } from "./usePrivacy.ts";

const CHOICES: [PersonAccess, string][] = [
  ["default", "Use my default rule"],
  ["allow:status", `Allow: ${SHOW_LABELS.status.toLowerCase()}`],
  ["allow:availability", `Allow: online ${SHOW_LABELS.availability}`],
  ["allow:note", `Allow: online + availability ${SHOW_LABELS.note}`],
  ["allow:devices", `Allow: all but last seen`],
  ["allow:lastSeen", "Allow: everything, last seen included"],
  ["confirm", "Ask me"],
  ["polite-block", "Appear offline to them"],
  ["block", "Block"],
];

/**
 * Privacy where the person is: exactly what they see of me now (my room's "see what X sees"),
 * and one control to change it, which edits my rule for them or my blocklist.
 */
export function PrivacyInContext({ peer }: { peer: string }) {
  const preview = usePreview(peer);
  const { current, change } = usePersonAccess(peer);
  const select = useConfirmedSelect<PersonAccess>(
    (change.isPending ? change.variables : undefined) ?? current ?? "default",
    (choice) => change.mutate(choice),
  );
  const id = useId();
  return (
    <section className="privacy-in-context" aria-labelledby={id}>
      <h3 id={id}>What {peer} sees of you</h3>
      {preview.data ? (
        <div className="preview" aria-live="polite">
          <p className="hint">{decisionLabel(preview.data.decision)}</p>
          {preview.data.view ? (
            <ViewFields view={preview.data.view} />
          ) : (
            <p>
              Nothing:{" "}
              {preview.data.state === "pending"
                ? "they wait for your answer"
                : preview.data.decision.action === "block"
                  ? "they are blocked"
                  : STATE_LABELS[preview.data.state].toLowerCase()}
              .
            </p>
          )}
        </div>
      ) : preview.error ? (
        <p role="alert" className="error">
          {errorText(preview.error)}
        </p>
      ) : (
        <p className="hint">Loading…</p>
      )}
      <label>
        {peer} may see
        <select {...select} disabled={current === null}>
          {CHOICES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {change.error ? (
        <p role="alert" className="error">
          {errorText(change.error)}
        </p>
      ) : null}
    </section>
  );
}
