import { Link } from "@tanstack/react-router";
import { ApiError } from "../../lib/api.ts";
import { NotificationsButton } from "../messages/NotificationsButton.tsx";
import { useSignOut } from "../session/useSession.ts";
import { ThemeSwitch } from "../theme/ThemeSwitch.tsx";
import { StatusEditor } from "./StatusEditor.tsx";

/** The status menu's content (loaded with the first opening): status, theme, settings, sign-out. */
export function StatusMenuContent({ close }: { close: () => void }) {
  return (
    <div className="status-menu">
      <StatusEditor />
      <ThemeSwitch />
      <nav aria-label="Settings" className="menu-links">
        <Link to="/settings" onClick={close}>
          Privacy and settings
        </Link>
        <Link to="/requests" onClick={close}>
          Requests to watch you
        </Link>
      </nav>
      <NotificationsButton />
      <SignOutButtons />
    </div>
  );
}
function SignOutButtons() {
  const signOut = useSignOut();
  return (
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
  );
}
