import { HandleSchema } from "@pim/protocol";
import { type FormEvent, useState } from "react";
import { timeAgo } from "../../lib/time.ts";
import { useNow } from "../../lib/useNow.ts";
import { useBuddies } from "../buddies/useBuddies.ts";
import { openConversation } from "../shell/useSection.ts";
import { presenceLabel } from "./presence-labels.ts";
import { useFetchedPresence } from "./useOwnPresence.ts";

/** Look someone up once (a FETCHER): no subscription; their room records the fetch. */
export function LookUp() {
  const [input, setInput] = useState("");
  const [target, setTarget] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const fetched = useFetchedPresence(target);
  // Someone who has since become my buddy is shown live from the buddy list, not as the
  // answer I was given before (which may have been "not yet").
  const buddy = useBuddies().data?.find((b) => b.handle === target && b.state === "active" && b.view);
  const now = useNow(30_000);

  function submit(event: FormEvent) {
    event.preventDefault();
    const checked = HandleSchema.safeParse(input.trim());
    if (!checked.success) {
      setInvalid(checked.error.issues[0]?.message ?? "That is not a handle.");
      return;
    }
    setInvalid(null);
    setTarget(checked.data);
    if (target === checked.data) void fetched.refetch();
  }

  const view = buddy?.view ?? (fetched.error ? undefined : fetched.data);

  return (
    <section aria-label="Look up presence" className="lookup">
      <h3>Look someone up</h3>
      <form onSubmit={submit} className="inline-form">
        <label>
          Handle to look up
          <input
            value={input}
            onChange={(e) => {
              setInput(e.target.value);
              setInvalid(null);
            }}
            autoComplete="off"
          />
        </label>
        <button type="submit">Look up</button>
      </form>
      {invalid ? (
        <p role="alert" className="error">
          {invalid}
        </p>
      ) : view ? (
        <p role="status">
          <strong>{view.handle}</strong>: {presenceLabel(view)}
          {view.note ? ` — “${view.note}”` : ""}
          {view.status === "closed" && view.lastSeen !== undefined
            ? ` (last seen ${timeAgo(view.lastSeen, now)})`
            : ""}{" "}
          <button type="button" className="quiet" onClick={() => openConversation(view.handle)}>
            Message {view.handle}
          </button>
        </p>
      ) : fetched.error ? (
        <p role="alert" className="error">
          {fetched.error.message}
        </p>
      ) : null}
    </section>
  );
}
