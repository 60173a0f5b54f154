import type * as Party from "partykit/server";

/**
 * Bare room-to-room baselines on the same runtime: no auth, no parsing beyond JSON, no storage.
 * Only the benchmark config mounts this party; the deployed app has no such party.
 *
 * - Fan-out: POST `{ leaves, note, via }` to a hub room; the hub tells each leaf room (by HTTP,
 *   or over a socket it keeps open to each leaf) and every leaf sends `note` to its client sockets.
 *   This is what one NOTIFICATION to N subscribers costs at the least.
 * - Relay: a client socket sends `{ to, text }`; the room hands it to room `to`, which sends it to
 *   its client sockets. This is what one INSTANT MESSAGE between two rooms costs at the least.
 *   With `store`, each of the two rooms writes it (one commit each), as a message must be.
 */
export default class BareParty implements Party.Server {
  private readonly leafSockets = new Map<string, ReturnType<Party.Stub["socket"]>>();

  constructor(readonly room: Party.Room) {}

  private clients(): Party.Connection[] {
    return [...this.room.getConnections()].filter((c) => !c.uri.includes("from=room"));
  }

  private deliver(text: string): void {
    for (const client of this.clients()) client.send(text);
  }

  private leafSocket(id: string): ReturnType<Party.Stub["socket"]> {
    let socket = this.leafSockets.get(id);
    if (!socket) {
      const bare = this.room.context.parties.bare;
      if (!bare) throw new Error("no bare party");
      socket = bare.get(id).socket("/?from=room");
      this.leafSockets.set(id, socket);
    }
    return socket;
  }

  async onRequest(request: Party.Request): Promise<Response> {
    const body = (await request.json()) as {
      leaves?: string[];
      note: string;
      via?: "http" | "socket";
      store?: boolean;
    };
    if (!body.leaves) {
      if (body.store) await this.room.storage.put(`n:${body.note}`, body.note);
      this.deliver(body.note);
      return new Response("ok");
    }
    const bare = this.room.context.parties.bare;
    if (!bare) return new Response("no bare party", { status: 500 });
    const note = body.note;
    await Promise.all(
      body.leaves.map(async (id) => {
        if (body.via === "socket") (await this.leafSocket(id)).send(note);
        else await bare.get(id).fetch({ method: "POST", body: JSON.stringify({ note }) });
      }),
    );
    return new Response("ok");
  }

  async onMessage(message: string | ArrayBuffer | ArrayBufferView, sender: Party.Connection): Promise<void> {
    if (sender.uri.includes("from=room")) {
      this.deliver(message as string);
      return;
    }
    const { to, text, via, store } = JSON.parse(message as string) as {
      to: string;
      text: string;
      via?: string;
      store?: boolean;
    };
    if (store) await this.room.storage.put(`m:${text}`, text);
    if (via === "socket") (await this.leafSocket(to)).send(text);
    else
      await this.room.context.parties.bare
        ?.get(to)
        .fetch({ method: "POST", body: JSON.stringify({ note: text, store }) });
  }
}
