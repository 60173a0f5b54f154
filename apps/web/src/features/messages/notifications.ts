import type { StoredMessage } from "@pim/protocol";

/** Browser notifications: only after the person asked for them, only while the tab is hidden. */
export function notificationsSupported(): boolean {
  return typeof window !== "undefined" && "Notification" in window;
}

export function showNotification(message: StoredMessage): void {
  if (!notificationsSupported() || Notification.permission !== "granted" || !document.hidden) return;
  // The body is shown by the system as plain text.
  new Notification(`Message from ${message.from}`, {
    body: message.text.slice(0, 200),
    tag: message.conversation,
  });
}
