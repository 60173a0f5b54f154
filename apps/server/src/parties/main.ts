import type * as Party from "partykit/server";

/** PartyKit needs a main party; ours only answers a health check. Principals live in `user`. */
export default class MainParty implements Party.Server {
  constructor(readonly room: Party.Room) {}

  onRequest(): Response {
    return Response.json({ ok: true, service: "pim" });
  }
}
