import { AuthScreen } from "../features/session/AuthScreen.tsx";
import { useSession } from "../features/session/useSession.ts";
import { Shell } from "../features/shell/Shell.tsx";

/**
 * Signed in: the shell, at whatever URL was asked for. Signed out: the sign-in screen, and the
 * URL stays, so signing in lands where the link pointed.
 */
export function Root() {
  const session = useSession();
  if (session.data) return <Shell key={session.data.sessionId} />;
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
