import { useEffect } from "react";
import { preloadOverlays } from "../features/overlays/lazy-overlays.tsx";
import { AuthScreen } from "../features/session/AuthScreen.tsx";
import { useSession, useSignedOut } from "../features/session/useSession.ts";
import { Shell } from "../features/shell/Shell.tsx";
import { RoomSenderContext } from "../lib/room-sender.ts";
import { preloadPages } from "./pages.ts";
import { useRoomDispatcher } from "./room-dispatcher.ts";

/**
 * Signed in: the shell, at whatever URL was asked for. Signed out: the sign-in screen, and the
 * URL stays, so signing in lands where the link pointed.
 */
export function Root() {
  const session = useSession();
  if (session.data) return <SignedIn key={session.data.sessionId} handle={session.data.handle} />;
  if (session.isPending) return <p className="loading">Loading…</p>;
  if (session.error) {
    return (
      <main className="auth">
        <p role="alert" className="error">
          {session.error.message}
        </p>
        <button type="button" onClick={() => void session.refetch()}>
          Try again
        </button>
      </main>
    );
  }
  return <AuthScreen />;
}

/** The shell, connected to my room for as long as it is shown; the rest of the app loads meanwhile. */
function SignedIn({ handle }: { handle: string }) {
  const send = useRoomDispatcher(handle, useSignedOut());
  useEffect(() => preloadOverlays(preloadPages), []);
  return (
    <RoomSenderContext value={send}>
      <Shell />
    </RoomSenderContext>
  );
}
