import { ROOM_CALLS, type RoomCallName, type RoomCallRequest } from "@pim/protocol";
import type * as Party from "partykit/server";
import { ROOM_CALL_HEADER, signRoomCall } from "../auth/room-call.ts";
import { type RoomCallResult, readRoomReply } from "./room-call-result.ts";

/**
 * Calls another room on behalf of this room's principal, signed so the callee knows which room
 * is calling (servers acting for principals, as in RFC 2778's PROXY). Every call is a line of
 * `ROOM_CALLS`: its body is typed by it and its reply parsed with it. Never rejects: a room that
 * cannot be reached is a `RoomCallFailure` like any other.
 */
export class RoomClient {
  constructor(
    private readonly parties: Party.Context["parties"],
    private readonly from: string,
    private readonly secret: string,
  ) {}

  async call<K extends RoomCallName>(
    name: K,
    to: string,
    request: RoomCallRequest<K>,
  ): Promise<RoomCallResult<K>> {
    const { party, path } = ROOM_CALLS[name];
    try {
      const body = JSON.stringify(request);
      const header = await signRoomCall(
        this.secret,
        { from: this.from, to, method: "POST", path, body },
        Date.now(),
      );
      const stubs = this.parties[party];
      if (!stubs) throw new Error(`the ${party} party is not configured`);
      const response = await stubs.get(to).fetch(path, {
        method: "POST",
        body,
        headers: { "content-type": "application/json", [ROOM_CALL_HEADER]: header },
      });
      return readRoomReply(name, response.status, await response.text());
    } catch (error) {
      console.error(`room call ${name} to ${to} failed`, error);
      return { ok: false, failure: "unreachable" };
    }
  }
}
