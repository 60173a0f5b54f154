import type { ServerMessage } from "@pim/protocol";
import type * as Party from "partykit/server";

/** Sends one typed message; the only place a room writes to a socket. */
export function send(connection: Party.Connection, message: ServerMessage): void {
  connection.send(JSON.stringify(message));
}
