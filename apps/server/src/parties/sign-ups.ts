import { type Bucket, take } from "@pim/model";
import type * as Party from "partykit/server";
import { readConfig, type ServerConfig } from "../config.ts";
import {
  answerRoomCall,
  type ReceivedRoomCall,
  type RoomCallHandlers,
  receiveRoomCall,
} from "../http/receive-room-call.ts";

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

  /** Only a verified room call of this party is answered; anything else is not here. */
  async onRequest(request: Party.Request): Promise<Response> {
    let call: ReceivedRoomCall<"signups">;
    try {
      call = await receiveRoomCall(request as unknown as Request, {
        party: "signups",
        id: this.room.id,
        secret: this.config.secret,
        now: Date.now(),
      });
    } catch {
      return NOT_HERE();
    }
    return Response.json(await answerRoomCall<"signups">(this.handlers, call));
  }

  private readonly handlers = {
    /** One new account from this address, or how long until one more is allowed. */
    take: async () => {
      const now = Date.now();
      const result = take(await this.room.storage.get<Bucket>("bucket"), now, this.config.signUpRate);
      await this.room.storage.put("bucket", result.bucket);
      // Once the bucket would be full again it says nothing: forget it, so addresses are not kept.
      const fullInMs =
        ((this.config.signUpRate.burst - result.bucket.tokens) * 60_000) / this.config.signUpRate.perMinute;
      await this.room.storage.setAlarm(now + Math.ceil(fullInMs));
      return result.ok
        ? { ok: true as const }
        : { ok: false as const, retryAfter: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) };
    },
  } satisfies RoomCallHandlers<"signups">;

  async onAlarm(): Promise<void> {
    await this.room.storage.deleteAll();
  }
}
