import { type FormEvent, useState } from "react";
import { RemoveButton } from "../../lib/RemoveButton.tsx";
import { useFieldProblem } from "../../lib/useFieldProblem.ts";
import { errorText } from "./errors.ts";
import { useBlock, usePrivacy, useUnblock } from "./usePrivacy.ts";

/** The one blocklist: blocked people can neither watch me nor (soon) write to me. */
export function Blocklist() {
  const { data } = usePrivacy();
  const blockPerson = useBlock();
  const unblock = useUnblock();
  const [handle, setHandle] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!handle.trim()) return;
    blockPerson.mutate(handle.trim(), { onSuccess: () => setHandle("") });
  }

  const error = blockPerson.error ?? unblock.error;
  const tie = useFieldProblem(blockPerson.error ? errorText(blockPerson.error) : null);
  return (
    <section aria-label="Blocklist" className="card">
      <h3>Blocked people</h3>
      {data && data.blocked.length === 0 ? <p className="empty">You have blocked no one.</p> : null}
      <ul aria-label="Blocked people">
        {data?.blocked.map((who) => (
          <li key={who} aria-label={who}>
            <span>{who}</span>
            <RemoveButton className="quiet" onPress={() => unblock.mutate(who)}>
              Unblock {who}
            </RemoveButton>
          </li>
        ))}
      </ul>
      <form onSubmit={submit} className="inline" aria-label="Block someone">
        <label>
          Handle to block
          <input
            {...tie.field}
            value={handle}
            autoComplete="off"
            onChange={(e) => setHandle(e.target.value)}
          />
        </label>
        <button type="submit" disabled={blockPerson.isPending}>
          Block
        </button>
      </form>
      {error ? <p {...tie.message}>{errorText(error)}</p> : null}
    </section>
  );
}
