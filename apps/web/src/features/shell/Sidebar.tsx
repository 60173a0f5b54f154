import { Link } from "@tanstack/react-router";
import { usePendingRequests } from "../buddies/useBuddies.ts";
import { useSocketStatus } from "../connection/useConnection.ts";
import { PeopleList } from "../people/PeopleList.tsx";
import { StatusMenu } from "../presence/StatusMenu.tsx";

/** Me at the top, requests waiting for me, then everyone: the left pane (the whole screen on a phone at home). */
export function Sidebar() {
  const requests = usePendingRequests();
  const status = useSocketStatus();
  return (
    <aside className="sidebar" aria-label="People">
      <h1 className="visually-hidden">pim</h1>
      <StatusMenu />
      {requests > 0 ? (
        <Link to="/requests" className="requests-item">
          <span className="badge" aria-hidden="true">
            {requests}
          </span>
          {requests === 1
            ? "1 person asks to see your presence"
            : `${requests} people ask to see your presence`}
        </Link>
      ) : null}
      <PeopleList />
      <footer className="sidebar-footer">
        <span className={`connection ${status}`} role="status">
          {status === "connected" ? "Connected" : status === "connecting" ? "Connecting…" : "Reconnecting…"}
        </span>
        <Link to="/settings" className="quiet">
          Settings
        </Link>
      </footer>
    </aside>
  );
}
