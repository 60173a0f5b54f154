import { Outlet } from "@tanstack/react-router";
import { lazy, Suspense, useEffect } from "react";
import { UpdateBanner } from "../connection/UpdateBanner.tsx";
import { useUnreadTotal } from "../messages/useMessages.ts";
import { useAnnouncement } from "./announcements.ts";
import { Sidebar } from "./Sidebar.tsx";
import { useKeyboardShortcuts } from "./useKeyboardShortcuts.ts";
import { usePlace } from "./usePlace.ts";

const QuickSwitcher = lazy(() => import("./QuickSwitcher.tsx").then((m) => ({ default: m.QuickSwitcher })));

/**
 * The signed-in app, in two panes: me and the people list on one side, the open place on the
 * other. On a phone one pane at a time: the list at home, the place otherwise.
 */
export function Shell() {
  const place = usePlace();
  const unread = useUnreadTotal();
  const announcement = useAnnouncement();
  const switcher = useKeyboardShortcuts();

  useEffect(() => {
    // Total unread in the page title, so it shows on the tab itself; then where I am.
    const where =
      place.kind === "chat" || place.kind === "person"
        ? place.peer
        : place.kind === "settings"
          ? "Settings"
          : place.kind === "requests"
            ? "Requests"
            : "pim";
    document.title = `${unread > 0 ? `(${unread}) ` : ""}${where === "pim" ? "pim" : `${where} – pim`}`;
  }, [unread, place]);

  return (
    <div className={`shell ${place.kind === "home" ? "at-home" : "in-place"}`}>
      <UpdateBanner />
      <Sidebar />
      <main className="pane" id="main">
        <Outlet />
      </main>
      {/* New messages and requests, for screen readers. The region stays; its text changes (a
          repeat differs by an invisible character, so it is read again). */}
      <p className="visually-hidden" aria-live="polite">
        {announcement ? `${announcement.text}${announcement.at % 2 ? "\u200b" : ""}` : ""}
      </p>
      {switcher.open ? (
        <Suspense fallback={null}>
          <QuickSwitcher state={switcher} />
        </Suspense>
      ) : null}
    </div>
  );
}
