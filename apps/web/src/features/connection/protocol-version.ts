import { PROTOCOL_VERSION } from "@pim/protocol";

/**
 * Whether this tab's code is out of date for the server it talks to: any other protocol version
 * than its own (older or newer: an incompatible change either way) asks for a reload. Not yet
 * greeted (null) is not out of date.
 */
export function needsReload(
  serverProtocol: number | null,
  clientProtocol: number = PROTOCOL_VERSION,
): boolean {
  return serverProtocol !== null && serverProtocol !== clientProtocol;
}
