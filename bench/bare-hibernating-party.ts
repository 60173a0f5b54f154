import type * as Party from "partykit/server";

/**
 * The floor under an idle socket with PartyKit's hibernation (`hibernate: true`: the runtime's
 * `acceptWebSocket`): a room that accepts client sockets, keeps nothing, and answers a frame by
 * echoing it. Only the benchmark config mounts this party; the deployed app has no such party.
 */
export default class BareHibernatingParty implements Party.Server {
  readonly options: Party.ServerOptions = { hibernate: true };

  constructor(readonly room: Party.Room) {}

  onMessage(message: string | ArrayBuffer | ArrayBufferView, sender: Party.Connection): void {
    sender.send(message as string);
  }
}
