import { HandleSchema } from "@pim/protocol";
import { type FormEvent, useState } from "react";
import { timeAgo } from "../../lib/time.ts";
import { useNow } from "../../lib/useNow.ts";
import { openConversation } from "../shell/useSection.ts";
import { presenceLabel } from "./presence-labels.ts";
import { useFetchedPresence } from "./useOwnPresence.ts";

/** Look someone up once (a FETCHER): no subscription; their room records the fetch. */
export function LookUp() {
  const [input, setInput] = useState("");
  const [target, setTarget] = useState<string | null>(null);
  const fetched = useFetchedPresence(target);
  const now = useNow(30_000);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (HandleSchema.safeParse(input.trim()).success) {
      setTarget(input.trim().toLowerCase());
      if (target === input.trim().toLowerCase()) void fetched.refetch();
    }
  }

  return (
    <section aria-label="Look up presence" className="lookup">
      <h3>Look someone up</h3>
      <form onSubmit={submit} className="inline-form">
        <label>
          Handle to look up
          <input value={input} onChange={(e) => setInput(e.target.value)} autoComplete="off" />
        </label>
        <button type="submit">Look up</button>
      </form>
      {fetched.error ? (
        <p role="alert" className="error">
          {fetched.error.message}
        </p>
      ) : fetched.data ? (
        <p role="status">
          <strong>{fetched.data.handle}</strong>: {presenceLabel(fetched.data)}
          {fetched.data.note ? ` — “${fetched.data.note}”` : ""}
          {fetched.data.status === "closed" && fetched.data.lastSeen !== undefined
            ? ` (last seen ${timeAgo(fetched.data.lastSeen, now)})`
            : ""}{" "}
          <button type="button" className="quiet" onClick={() => openConversation(fetched.data.handle)}>
            Message {fetched.data.handle}
          </button>
        </p>
      ) : null}
    </section>
  );
}
