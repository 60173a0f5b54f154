import { useEffect, useId, useState } from "react";
import { timeAgo } from "../../lib/time.ts";
import { useNow } from "../../lib/useNow.ts";
import { useBuddies } from "../buddies/useBuddies.ts";
import { presenceLabel } from "../presence/presence-labels.ts";
import { useFetchedPresence } from "../presence/useOwnPresence.ts";
import { PrivacyInContext } from "../privacy/PrivacyInContext.tsx";
import { InvalidPlace } from "../shell/InvalidPlace.tsx";
import { usePlace } from "../shell/usePlace.ts";
import { PersonHeader } from "./PersonHeader.tsx";

/** /people/<handle>: a person's details, what they see of me and the control over it. */
export function PersonRoute() {
  const place = usePlace();
  if (place.kind !== "person") return <InvalidPlace />;
  return <PersonPage key={place.peer} peer={place.peer} />;
}

function PersonPage({ peer }: { peer: string }) {
  const headingId = useId();
  useEffect(() => {
    document.getElementById(headingId)?.focus();
  }, [headingId]);
  return (
    <section className="page person-page" aria-labelledby={headingId}>
      <PersonHeader peer={peer} where="person" headingId={headingId} />
      <div className="page-body">
        <PrivacyInContext peer={peer} />
        <LookUpOnce peer={peer} />
      </div>
    </section>
  );
}

/**
 * Someone not on my buddy list: their presence may be fetched once (a FETCHER), on request
 * only, since their room records every fetch in its watcher information.
 */
function LookUpOnce({ peer }: { peer: string }) {
  const buddy = useBuddies().data?.find((b) => b.handle === peer && b.state === "active");
  const [asked, setAsked] = useState(false);
  const fetched = useFetchedPresence(asked ? peer : null);
  const now = useNow(30_000);
  if (buddy) return null;
  const view = fetched.data;
  return (
    <section className="card" aria-label="Look up presence">
      <h3>Their presence</h3>
      <p className="hint">
        You do not watch {peer}. Looking them up once shows in their watcher information.
      </p>
      <button
        type="button"
        className="quiet"
        onClick={() => (asked ? void fetched.refetch() : setAsked(true))}
      >
        Look up {peer} once
      </button>
      {view ? (
        <p role="status">
          {presenceLabel(view)}
          {view.note ? ` — “${view.note}”` : ""}
          {view.status === "closed" && view.lastSeen !== undefined
            ? ` (last seen ${timeAgo(view.lastSeen, now)})`
            : ""}
        </p>
      ) : fetched.error ? (
        <p role="alert" className="error">
          {fetched.error.message}
        </p>
      ) : null}
    </section>
  );
}
