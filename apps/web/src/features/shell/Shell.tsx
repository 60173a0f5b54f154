import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { noticeQueryOptions, useRoomSocket, useSocketStatus } from "../../lib/socket.ts";
import { AddBuddy } from "../buddies/AddBuddy.tsx";
import { BuddyList } from "../buddies/BuddyList.tsx";
import { WatchRequests } from "../buddies/WatchRequests.tsx";
import { LookUp } from "../presence/LookUp.tsx";
import { StatusEditor } from "../presence/StatusEditor.tsx";
import { useHandle, useSignedOut, useSignOut } from "../session/useSession.ts";
import { SECTIONS, type Section, useSection } from "./useSection.ts";

const TITLES: Record<Section, string> = { buddies: "Buddies", messages: "Messages", privacy: "Privacy" };

/** The signed-in app: who I am, my status, the sections, and signing out. */
export function Shell() {
  const handle = useHandle();
  const queryClient = useQueryClient();
  const signedOut = useSignedOut();
  const onSessionEnded = useCallback(
    (reason: string) => {
      queryClient.setQueryData(noticeQueryOptions().queryKey, `You were signed out: ${reason}.`);
      signedOut();
    },
    [queryClient, signedOut],
  );
  useRoomSocket(handle, onSessionEnded);
  const status = useSocketStatus();
  const signOut = useSignOut();
  const [section, setSection] = useSection();

  return (
    <div className="shell">
      <header>
        <div className="me">
          <span className="app-name">pim</span>
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
        </div>
      </header>
      <nav aria-label="Main">
        {SECTIONS.map((name) => (
          <button
            key={name}
            type="button"
            aria-current={section === name ? "page" : undefined}
            onClick={() => setSection(name)}
          >
            {TITLES[name]}
          </button>
        ))}
      </nav>
      <main>
        <h2>{TITLES[section]}</h2>
        {section === "buddies" ? (
          <>
            <WatchRequests />
            <AddBuddy />
            <BuddyList />
            <LookUp />
          </>
        ) : section === "messages" ? (
          <p className="empty">
            Instant messages are on their way: this is where your conversations will be.
          </p>
        ) : (
          <p className="empty">
            Access rules, watcher information and your blocklist will live here. Until then, you approve each
            person who asks to watch you.
          </p>
        )}
      </main>
    </div>
  );
}
