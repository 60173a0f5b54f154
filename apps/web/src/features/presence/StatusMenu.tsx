import { lazy, Suspense } from "react";
import { DialogButton } from "../overlays/lazy-overlays.tsx";
import { Avatar } from "../people/Avatar.tsx";
import { useHandle } from "../session/useSession.ts";
import { presenceLabel, presenceTone } from "./presence-labels.ts";
import { useOwnPresence } from "./useOwnPresence.ts";

const StatusMenuContent = lazy(() =>
  import("./StatusMenuContent.tsx").then((m) => ({ default: m.StatusMenuContent })),
);

/**
 * Me, at the top of the sidebar: my name and my presence as others see it. One click opens the
 * status menu: availability, note, invisible, then settings, theme and signing out.
 */
export function StatusMenu() {
  const handle = useHandle();
  const { data: presence } = useOwnPresence();
  const invisible = presence?.chosen.invisible ?? false;
  const shown = invisible ? "Offline (invisible)" : presenceLabel(presence?.view);
  return (
    <DialogButton
      className="me-card"
      dialogLabel="Your status"
      popoverClass="status-popover"
      content={(close) => (
        <Suspense fallback={<p className="status-menu">Loading…</p>}>
          <StatusMenuContent close={close} />
        </Suspense>
      )}
    >
      <Avatar handle={handle} tone={presence ? presenceTone(presence.view) : "closed"} />
      <span className="me-text">
        <span className="visually-hidden">Signed in as </span>
        <span className="handle">{handle}</span>
        <span className="visually-hidden">, shown as </span>
        <span className="me-presence">
          {shown}
          {presence?.view.note && !invisible ? ` · ${presence.view.note}` : ""}
        </span>
      </span>
      <span className="chevron" aria-hidden="true">
        ▾
      </span>
    </DialogButton>
  );
}
