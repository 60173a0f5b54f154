import type * as Party from "partykit/server";
import { ROOM_CALL_HEADER, signRoomCall } from "../auth/room-call.ts";

/** The result of a call to another principal's room. */
export type RoomReply = { status: number; body: unknown };

/**
 * Calls another principal's room on behalf of this room's principal, signed so the callee
 * knows which room is calling (servers acting for principals, as in RFC 2778's PROXY).
 */
export class RoomClient {
  constructor(
    private readonly parties: Party.Context["parties"],
    private readonly from: string,
    private readonly secret: string,
  ) {}

  call(to: string, path: `/rc/${string}`, payload: unknown): Promise<RoomReply> {
    return callRoom(this.parties, "user", this.secret, this.from, to, path, payload);
  }
}

/** A signed POST from room `from` to room `to` of `party`, and what it answered. */
export async function callRoom(
  parties: Party.Context["parties"],
  party: "user" | "signups",
  secret: string,
  from: string,
  to: string,
  path: string,
  payload: unknown,
): Promise<RoomReply> {
  const body = JSON.stringify(payload);
  const header = await signRoomCall(secret, { from, to, method: "POST", path, body }, Date.now());
  const stubs = parties[party];
  if (!stubs) throw new Error(`the ${party} party is not configured`);
  const response = await stubs.get(to).fetch(path, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", [ROOM_CALL_HEADER]: header },
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}
