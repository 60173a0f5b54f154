import type { ServerMessage } from "@pim/protocol";
import type * as Party from "partykit/server";

/** Sends one typed message to one tab; typed, so nothing off the protocol goes out. */
export function send(connection: Party.Connection, message: ServerMessage): void {
  connection.send(JSON.stringify(message));
}

/** How long a tab told `closing` has to close its socket itself before the room closes it. */
export const CLOSING_GRACE_MS = 2_000;

/**
 * Closes a tab's socket from the room's side. A close started by a hibernating room reaches the
 * tab late in workerd (Chromium ~2.4 s, node's ws until the room is evicted), so the tab is told
 * first with a `closing` frame and closes the socket itself; the room closes it after the grace.
 */
export function closeTab(connection: Party.Connection, code: number, reason: string): void {
  try {
    send(connection, { type: "closing", code, reason });
  } catch {
    // already closed: nothing to tell
  }
  setTimeout(() => {
    try {
      connection.close(code, reason);
    } catch {
      // the tab closed it first
    }
  }, CLOSING_GRACE_MS);
}
