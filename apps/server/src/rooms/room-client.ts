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
    /** A call with no answer by then is given up as unreachable (see ROOM_CALL_DEADLINE_MS). */
    private readonly deadlineMs = ROOM_CALL_DEADLINE_MS,
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
      const { status, text } = await withinDeadline(
        stubs
          .get(to)
          .fetch(path, {
            method: "POST",
            body,
            headers: { "content-type": "application/json", [ROOM_CALL_HEADER]: header },
          })
          .then(async (response) => ({ status: response.status, text: await response.text() })),
        this.deadlineMs,
      );
      return readRoomReply(name, status, text);
    } catch (error) {
      console.error(`room call ${name} to ${to} failed`, error);
      return { ok: false, failure: "unreachable" };
    }
  }
}

/**
 * How long a room waits for another room's answer. A call that never answers (seen under load:
 * a request whose connection the runtime lost) would otherwise hold what waits on it for ever: a
 * message "Sending…", a buddy being added, every later message to that recipient (they go in
 * order). Given up, it is "unreachable", which the caller already answers with "try again"; a
 * retry keeps its ids, so whatever part went through is not doubled. Long enough that a room
 * busy under load (messages at 1,000 a second here take up to 17 s end to end) is not given up.
 */
export const ROOM_CALL_DEADLINE_MS = 30_000;

function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}
