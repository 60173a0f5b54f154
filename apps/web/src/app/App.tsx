import { AuthScreen } from "../features/session/AuthScreen.tsx";
import { useSession } from "../features/session/useSession.ts";
import { Shell } from "../features/shell/Shell.tsx";

/** Signed in: the shell. Signed out: the sign-in screen. */
export function App() {
  const session = useSession();
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
  return session.data ? <Shell key={session.data.sessionId} /> : <AuthScreen />;
}
