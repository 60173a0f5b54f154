import { useState } from "react";
import { notificationsSupported } from "./notifications.ts";

/** Browser notifications are asked for here, from a button, never on load. */
export function NotificationsButton() {
  const [permission, setPermission] = useState(() =>
    notificationsSupported() ? Notification.permission : "unsupported",
  );
  if (permission === "unsupported") return null;
  if (permission === "granted") return <p className="hint">Notifications are on while this tab is hidden.</p>;
  if (permission === "denied") return <p className="hint">Notifications are blocked in this browser.</p>;
  return (
    <button
      type="button"
      className="quiet"
      onClick={() => void Notification.requestPermission().then(setPermission)}
    >
      Turn on notifications
    </button>
  );
}
