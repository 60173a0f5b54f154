import { ROOM_CALLS, type RoomCallName, type RoomCallRequest } from "@pim/protocol";
import { type RoomCallResult, readRoomReply } from "../rooms/room-call-result.ts";
import type { RoomClient } from "../rooms/room-client.ts";

/** What another room answers over the wire: a status and a JSON body. */
export type RoomReply = { status: number; body: unknown };

/** A call this room made to another room. */
export type RoomCall = { to: string; path: string; payload: unknown };

type Answer = RoomReply | Error | ((payload: unknown, to: string) => RoomReply | Promise<RoomReply>);

/**
 * Other principals' rooms as a part sees them through `RoomClient.call`: answers scripted per path
 * (and per handle, which wins) as the other room would send them, read by the same
 * `readRoomReply` as the real client; every call recorded. An Error stands for a room that
 * cannot be reached. A call nothing was scripted for fails the test loudly rather than
 * answering something made up.
 */
export class FakeRooms {
  readonly calls: RoomCall[] = [];
  private readonly answers = new Map<string, Answer>();

  /** Answers calls to `path` (of any room, or of `to` only). An Error makes the room unreachable. */
  answer(path: `/rc/${string}`, answer: Answer, to?: string): this {
    this.answers.set(to === undefined ? path : `${to} ${path}`, answer);
    return this;
  }

  /** These principals exist (and no one else does): `/rc/exists` answers accordingly. */
  people(...handles: string[]): this {
    const known = new Set(handles);
    return this.answer("/rc/exists", (_payload: unknown, to: string) => ({
      status: 200,
      body: { exists: known.has(to) },
    }));
  }

  /** This fake as the parts take it. */
  asClient(): RoomClient {
    // Parts reach only `call`; RoomClient's private fields make the cast necessary.
    return this as unknown as RoomClient;
  }

  /** The calls made to one path, in order. */
  callsTo(path: `/rc/${string}`): RoomCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  async call<K extends RoomCallName>(
    name: K,
    to: string,
    payload: RoomCallRequest<K>,
  ): Promise<RoomCallResult<K>> {
    const { path } = ROOM_CALLS[name];
    this.calls.push({ to, path, payload: structuredClone(payload) });
    const answer = this.answers.get(`${to} ${path}`) ?? this.answers.get(path);
    if (answer === undefined) throw new Error(`FakeRooms: no answer scripted for ${path} to ${to}`);
    if (answer instanceof Error) return { ok: false, failure: "unreachable" };
    const reply = typeof answer === "function" ? await answer(payload, to) : answer;
    return readRoomReply(name, reply.status, reply.body === undefined ? "" : JSON.stringify(reply.body));
  }
}
