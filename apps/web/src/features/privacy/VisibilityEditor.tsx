import type { VisibilityRules } from "@pim/protocol";
import { type FormEvent, useState } from "react";
import { RemoveButton } from "../../lib/RemoveButton.tsx";
import { useFieldProblem } from "../../lib/useFieldProblem.ts";
import { errorText } from "./errors.ts";
import { checkHandle } from "./handle-check.ts";
import { usePrivacy, useSaveVisibility } from "./usePrivacy.ts";

/** My VISIBILITY RULES: whether my watching shows my handle or "anonymous watcher". */
export function VisibilityEditor() {
  const { data } = usePrivacy();
  const save = useSaveVisibility();
  const [handle, setHandle] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const tie = useFieldProblem(problem);
  if (!data) return null;
  const visibility = data.visibility;
  const update = (next: VisibilityRules) => save.mutate(next);

  function add(event: FormEvent) {
    event.preventDefault();
    if (!handle.trim()) return;
    const check = checkHandle(handle);
    setProblem(check.ok ? null : check.problem);
    if (!check.ok) return;
    // The field empties only once the exception is saved: a refusal leaves what was typed.
    save.mutate(
      { ...visibility, presentities: { ...visibility.presentities, [check.handle]: !visibility.anonymous } },
      { onSuccess: () => setHandle("") },
    );
  }

  return (
    <section aria-label="Visibility rules" className="card">
      <h3>How your watching shows to others</h3>
      <label className="check">
        <input
          type="checkbox"
          checked={visibility.anonymous}
          onChange={(e) => update({ ...visibility, anonymous: e.target.checked })}
        />
        Watch anonymously by default
      </label>
      <p className="hint">
        Anonymous watching hides your handle from the other side's watcher information, not the fact that
        someone watched; people may refuse anonymous watchers.
      </p>
      <ul aria-label="Visibility for people">
        {Object.entries(visibility.presentities).map(([who, anonymous]) => (
          <li key={who} aria-label={who}>
            <span>{who}</span>
            <select
              aria-label={`How ${who} sees you watching`}
              value={anonymous ? "anonymous" : "named"}
              onChange={(e) =>
                update({
                  ...visibility,
                  presentities: { ...visibility.presentities, [who]: e.target.value === "anonymous" },
                })
              }
            >
              <option value="named">Show my handle</option>
              <option value="anonymous">Anonymous</option>
            </select>
            <RemoveButton
              className="quiet"
              onPress={() => {
                const { [who]: _removed, ...rest } = visibility.presentities;
                update({ ...visibility, presentities: rest });
              }}
            >
              Use the default for {who}
            </RemoveButton>
          </li>
        ))}
      </ul>
      <form onSubmit={add} className="inline" aria-label="Add a visibility exception">
        <label>
          Exception for handle
          <input
            {...tie.field}
            value={handle}
            autoComplete="off"
            onChange={(e) => {
              setHandle(e.target.value);
              setProblem(null);
            }}
          />
        </label>
        <button type="submit">Add exception</button>
        {problem ? <p {...tie.message}>{problem}</p> : null}
      </form>
      {save.error ? (
        <p role="alert" className="error">
          {errorText(save.error)}
        </p>
      ) : null}
    </section>
  );
}
