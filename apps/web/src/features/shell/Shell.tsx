import { useEffect, useRef } from "react";
import { ApiError } from "../../lib/api.ts";
import { useRoomSocket, useSocketStatus } from "../../lib/socket.ts";
import { AddBuddy } from "../buddies/AddBuddy.tsx";
import { BuddyList } from "../buddies/BuddyList.tsx";
import { usePendingRequests } from "../buddies/useBuddies.ts";
import { WatchRequests } from "../buddies/WatchRequests.tsx";
import { MessagesSection } from "../messages/MessagesSection.tsx";
import { useUnreadTotal } from "../messages/useMessages.ts";
import { LookUp } from "../presence/LookUp.tsx";
import { StatusEditor } from "../presence/StatusEditor.tsx";
import { PrivacySection } from "../privacy/PrivacySection.tsx";
import { useHandle, useSignedOut, useSignOut } from "../session/useSession.ts";
import { useAnnouncement } from "./announcements.ts";
import { SECTIONS, type Section, useSection } from "./useSection.ts";

const TITLES: Record<Section, string> = { buddies: "Buddies", messages: "Messages", privacy: "Privacy" };

/** The signed-in app: who I am, my status, the sections, and signing out. */
export function Shell() {
  const handle = useHandle();
  useRoomSocket(handle, useSignedOut());
  const status = useSocketStatus();
  const signOut = useSignOut();
  const [section, setSection] = useSection();
  const unread = useUnreadTotal();
  const requests = usePendingRequests();
  const announcement = useAnnouncement();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // Just signed in: keyboard and screen-reader users start at the section, not the page top.
    if (document.activeElement === document.body) heading.current?.focus();
  }, []);
  useEffect(() => {
    // Total unread in the page title, so it shows on the tab itself; then where I am.
    document.title = `${unread > 0 ? `(${unread}) ` : ""}${TITLES[section]} – pim`;
  }, [unread, section]);

  return (
    <div className="shell">
      <header>
        <div className="me">
          <h1 className="app-name">pim</h1>
          <span className="signed-in">
            Signed in as <strong>{handle}</strong>
          </span>
          <span className={`connection ${status}`} role="status">
            {status === "connected" ? "Connected" : status === "connecting" ? "Connecting…" : "Reconnecting…"}
          </span>
        </div>
        <StatusEditor />
        <div className="account">
          <button type="button" onClick={() => signOut.mutate(false)} disabled={signOut.isPending}>
            Sign out
          </button>
          <button
            type="button"
            className="quiet"
            onClick={() => signOut.mutate(true)}
            disabled={signOut.isPending}
          >
            Sign out everywhere
          </button>
          {signOut.error ? (
            <p role="alert" className="error">
              {signOut.error instanceof ApiError ? signOut.error.message : "Could not sign out. Try again."}
            </p>
          ) : null}
        </div>
      </header>
      {/* New messages and requests, for screen readers. The region stays; its text changes (a
          repeat differs by an invisible character, so it is read again). */}
      <p className="visually-hidden" aria-live="polite">
        {announcement ? `${announcement.text}${announcement.at % 2 ? "\u200b" : ""}` : ""}
      </p>
      <nav aria-label="Main">
        {SECTIONS.map((name) => (
          <button
            key={name}
            type="button"
            aria-current={section === name ? "page" : undefined}
            onClick={() => setSection(name)}
          >
            {TITLES[name]}
            {name === "messages" && unread > 0 ? <span className="badge"> {unread} unread</span> : null}
            {name === "buddies" && requests > 0 ? <span className="badge"> {requests} waiting</span> : null}
          </button>
        ))}
      </nav>
      <main>
        <h2 ref={heading} tabIndex={-1}>
          {TITLES[section]}
        </h2>
        {section === "buddies" ? (
          <>
            <WatchRequests />
            <AddBuddy />
            <BuddyList />
            <LookUp />
          </>
        ) : section === "messages" ? (
          <MessagesSection />
        ) : (
          <PrivacySection />
        )}
      </main>
    </div>
  );
}
