import {
  LIMITS,
  ROOM_CALLS,
  type RoomCallBody,
  type RoomCallName,
  type RoomCallParty,
  type RoomCallReply,
  type RoomCallsOf,
  roomCallAt,
} from "@pim/protocol";
import { ROOM_CALL_HEADER, verifyRoomCall } from "../auth/room-call.ts";
import { ApiError } from "./api-error.ts";
import { parseJsonBody } from "./read-body.ts";
import { readBoundedText } from "./read-bounded-text.ts";

/** One line of `ROOM_CALLS` answered: the caller is the verified signer, never the body. */
export type RoomCallHandler<K extends RoomCallName> = (
  caller: string,
  body: RoomCallBody<K>,
) => RoomCallReply<K> | Promise<RoomCallReply<K>>;

/** A handler for every call a party answers: one missing or misspelled does not compile. */
export type RoomCallHandlers<P extends RoomCallParty> = { [K in RoomCallsOf<P>]: RoomCallHandler<K> };

/** A verified room call, its body parsed with its schema. */
export type ReceivedRoomCall<P extends RoomCallParty> = {
  [K in RoomCallsOf<P>]: { name: K; caller: string; body: RoomCallBody<K> };
}[RoomCallsOf<P>];

/** Where the room a request reached lives: its party and id, the secret, the time. */
export type CalleeRoom = { party: RoomCallParty; id: string; secret: string; now: number };

/**
 * Verifies a request to a room of any party as a room-to-room call: only another room of this
 * deployment may make one, proven by the signed header over caller, callee, method, path, time
 * and body; then finds it in `ROOM_CALLS` and parses its body. Throws an `ApiError` otherwise
 * (403, 404, 400, 413), which each party answers in its own way.
 */
export async function receiveRoomCall<P extends RoomCallParty>(
  request: Request,
  room: CalleeRoom & { party: P },
): Promise<ReceivedRoomCall<P>> {
  const header = request.headers.get(ROOM_CALL_HEADER);
  if (!header) throw new ApiError(403, "forbidden", "Only rooms may call this.");
  const text = await readBoundedText(request, LIMITS.maxRoomCallBodyBytes);
  const prefix = `/parties/${room.party}/${room.id}`;
  const pathname = new URL(request.url).pathname;
  const path = pathname.startsWith(prefix) ? pathname.slice(prefix.length) : pathname;
  const caller = await verifyRoomCall(
    room.secret,
    header,
    { to: room.id, method: request.method, path, body: text },
    room.now,
  );
  if (!caller) throw new ApiError(403, "forbidden", "The room-to-room call is not valid.");
  const name = request.method === "POST" ? roomCallAt(room.party, path) : undefined;
  if (!name) throw new ApiError(404, "not_found", "No such route.");
  const body: unknown = parseJsonBody(text, ROOM_CALLS[name].request);
  // The name and the schema its body was parsed with come from the same line of the table.
  return { name, caller, body } as ReceivedRoomCall<P>;
}

/** Answers a received call with its party's handler for it. */
export function answerRoomCall<P extends RoomCallParty>(
  handlers: RoomCallHandlers<P>,
  call: ReceivedRoomCall<P>,
): Promise<unknown> {
  // `handlers` has exactly one handler per name, typed by the same line of the table as `call`;
  // TypeScript cannot follow that correlation through the mapped type, hence the widening.
  const handler = handlers[call.name] as (caller: string, body: unknown) => unknown;
  return Promise.resolve(handler(call.caller, call.body));
}
