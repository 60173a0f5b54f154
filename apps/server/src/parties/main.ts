import type * as Party from "partykit/server";
import { API_SECURITY_HEADERS } from "../http/security-headers.ts";
import { serveApp } from "../http/serve-app.ts";

/**
 * PartyKit needs a main party; ours answers a health check and serves the app (with its security
 * headers) for every path that is not a party's. Principals live in `user`.
 */
export default class MainParty implements Party.Server {
  static onFetch(request: Party.Request, lobby: Party.FetchLobby): Promise<Response | null> {
    return serveApp(request as unknown as Request, (path) => lobby.assets.fetch(path));
  }

  constructor(readonly room: Party.Room) {}

  onRequest(): Response {
    return Response.json({ ok: true, service: "pim" }, { headers: API_SECURITY_HEADERS });
  }
}
