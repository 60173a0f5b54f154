import { PaneHeading } from "../shell/PaneHeading.tsx";
import { usePendingRequests } from "./useBuddies.ts";
import { WatchRequests } from "./WatchRequests.tsx";

/** Everyone who asks to see my presence, answered here (the list links here while any wait). */
export function RequestsPage() {
  const waiting = usePendingRequests();
  return (
    <section className="page" aria-labelledby="requests-title">
      <PaneHeading id="requests-title">Requests</PaneHeading>
      <WatchRequests />
      {waiting === 0 ? <p className="empty">No one is waiting for your answer.</p> : null}
    </section>
  );
}
