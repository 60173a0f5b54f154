import type * as Party from "partykit/server";

/**
 * The baseline: a bare room on the same runtime that echoes each frame (no auth, no storage,
 * no parsing). Only the benchmark config mounts it; the deployed app has no such party.
 */
export default class EchoParty implements Party.Server {
  constructor(readonly room: Party.Room) {}

  onMessage(message: string | ArrayBuffer | ArrayBufferView, sender: Party.Connection): void {
    sender.send(message as string);
  }
}
