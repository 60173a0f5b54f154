import { type Bucket, take } from "@pim/model";
import type * as Party from "partykit/server";
import { ROOM_CALL_HEADER, verifyRoomCall } from "../auth/room-call.ts";
import { readConfig, type ServerConfig } from "../config.ts";
import { readBoundedText } from "../http/read-bounded-text.ts";
import { GATE_TAKE_PATH } from "../rooms/sign-up-gate.ts";

const NOT_HERE = () => new Response("Not found", { status: 404 });

/**
 * The sign-up gate: one room per network address (by keyed hash), holding a token bucket of new
 * accounts. Only principals' rooms call it, signed; nothing from outside reaches it.
 */
export default class SignUpsParty implements Party.Server {
  static onBeforeRequest(): Response {
    return NOT_HERE();
  }

  static onBeforeConnect(): Response {
    return NOT_HERE();
  }

  private readonly config: ServerConfig;

  constructor(readonly room: Party.Room) {
    this.config = readConfig(room.env);
  }

  onConnect(connection: Party.Connection): void {
    connection.close(1008, "not here");
  }

  async onRequest(request: Party.Request): Promise<Response> {
    const path = new URL(request.url).pathname.replace(`/parties/signups/${this.room.id}`, "");
    const header = request.headers.get(ROOM_CALL_HEADER);
    if (request.method !== "POST" || path !== GATE_TAKE_PATH || !header) return NOT_HERE();
    let body: string;
    try {
      body = await readBoundedText(request as unknown as Request);
    } catch {
      return NOT_HERE();
    }
    const caller = await verifyRoomCall(
      this.config.secret,
      header,
      { to: this.room.id, method: "POST", path, body },
      Date.now(),
    );
    if (!caller) return NOT_HERE();
    const now = Date.now();
    const result = take(await this.room.storage.get<Bucket>("bucket"), now, this.config.signUpRate);
    await this.room.storage.put("bucket", result.bucket);
    // Once the bucket would be full again it says nothing: forget it, so addresses are not kept.
    const fullInMs =
      ((this.config.signUpRate.burst - result.bucket.tokens) * 60_000) / this.config.signUpRate.perMinute;
    await this.room.storage.setAlarm(now + Math.ceil(fullInMs));
    if (result.ok) return Response.json({ ok: true });
    return Response.json({ ok: false, retryAfter: Math.ceil(result.retryAfterMs / 1000) }, { status: 429 });
  }

  async onAlarm(): Promise<void> {
    await this.room.storage.deleteAll();
  }
}
