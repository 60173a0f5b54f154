import type { ServerMessage } from "@pim/protocol";
import type * as Party from "partykit/server";

/** Sends one typed message to one tab; typed, so nothing off the protocol goes out. */
export function send(connection: Party.Connection, message: ServerMessage): void {
  connection.send(JSON.stringify(message));
}
