import { type ClientMessage, PROTOCOL_VERSION, type ServerMessage, type Subscriber } from "@pim/protocol";
import { QueryClient } from "@tanstack/react-query";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { subscribersQueryOptions } from "../features/buddies/queries.ts";
import { serverProtocolQueryOptions, socketStatusQueryOptions } from "../features/connection/queries.ts";
import { putInOutbox } from "../features/messages/outbox.ts";
import { deliverableQueryOptions } from "../features/messages/queries.ts";
import { signOutAskedQueryOptions } from "../features/session/queries.ts";
import { forgetSession } from "../features/session/useSession.ts";
import { createEmitter } from "../lib/emitter.ts";
import type { RoomSocket, RoomSocketEvents } from "../lib/room-socket.ts";
import { followRoom } from "./room-dispatcher.ts";

const me = "alice";

beforeEach(() => {
  const store = new Map<string, string>();
  Object.assign(globalThis, {
    localStorage: {
      getItem: (key: string) => store.get(key) ?? null,
      setItem: (key: string, value: string) => void store.set(key, value),
      removeItem: (key: string) => void store.delete(key),
    },
  });
});

/** A socket that is always open, whose events the test sends and whose frames it reads. */
function fakeSocket() {
  const events = createEmitter<RoomSocketEvents>();
  const sent: ClientMessage[] = [];
  let closed = false;
  const socket: RoomSocket = {
    on: events.on,
    send: (message) => {
      sent.push(message);
      return true;
    },
    queue: (message) => void sent.push(message),
    reconnect: () => undefined,
    close: () => {
      closed = true;
    },
  };
  return { socket, sent, events, isClosed: () => closed };
}

function setup() {
  const queryClient = new QueryClient();
  const { socket, sent, events, isClosed } = fakeSocket();
  const ended: (string | null)[] = [];
  const room = followRoom({
    queryClient,
    handle: me,
    socket,
    onSessionEnded: (notice) => ended.push(notice),
    checkSession: async () => ({ handle: me }),
  });
  const hello = (protocol: number): ServerMessage => ({
    type: "hello",
    protocol,
    handle: me,
    sessionId: "s",
    connectionId: "c",
  });
  return { queryClient, room, sent, events, ended, isClosed, hello };
}

function outboxHas(queryClient: QueryClient, id: string) {
  putInOutbox(queryClient, me, { id, to: "bob", text: id, createdAt: 1, state: "sending" });
}

describe("the room dispatcher", () => {
  it("sends nothing before the room greets the socket", () => {
    const { room, sent } = setup();
    expect(room.send({ type: "ping" })).toBe(false);
    expect(sent).toEqual([]);
  });

  it("on a greeting of the same protocol, says connected and resends the outbox", () => {
    const { queryClient, sent, events, hello } = setup();
    outboxHas(queryClient, "m1");
    events.emit("message", hello(PROTOCOL_VERSION));
    expect(queryClient.getQueryData(socketStatusQueryOptions().queryKey)).toBe("connected");
    expect(sent).toEqual([{ type: "message.send", id: "m1", to: "bob", text: "m1" }]);
  });

  it("on a greeting of another protocol, records it and holds the outbox until a reload", () => {
    const { queryClient, room, sent, events, hello } = setup();
    outboxHas(queryClient, "m1");
    events.emit("message", hello(PROTOCOL_VERSION + 1));
    expect(queryClient.getQueryData(serverProtocolQueryOptions().queryKey)).toBe(PROTOCOL_VERSION + 1);
    expect(sent).toEqual([]);
    // Reconnecting does not change that.
    events.emit("close", { code: 1006, reason: "" });
    events.emit("message", hello(PROTOCOL_VERSION + 1));
    expect(sent).toEqual([]);
    // The tab stays usable: what I do now still goes.
    expect(room.send({ type: "typing", to: "bob", typing: true })).toBe(true);
  });

  it("a 4401 close this tab asked for signs out without a notice", () => {
    const { queryClient, events, ended, isClosed } = setup();
    queryClient.setQueryData(signOutAskedQueryOptions().queryKey, true);
    events.emit("close", { code: 4401, reason: "signed out" });
    expect(ended).toEqual([null]);
    expect(isClosed()).toBe(true);
  });

  it("a 4401 close this tab asked for, landing after the sign-out's answer, still has no notice", () => {
    // The answer came first: the tab forgot the session, and the shell (with its socket) goes at
    // the next render, so the room's close of this socket can still land in between.
    const { queryClient, events, ended } = setup();
    queryClient.setQueryData(signOutAskedQueryOptions().queryKey, true);
    forgetSession(queryClient, null);
    events.emit("close", { code: 4401, reason: "signed out" });
    expect(ended).toEqual([null]);
  });

  it("the next session starts as not asked to sign out: a close from elsewhere has its notice", () => {
    const first = setup();
    first.queryClient.setQueryData(signOutAskedQueryOptions().queryKey, true);
    forgetSession(first.queryClient, null);
    const { socket, events } = fakeSocket();
    const ended: (string | null)[] = [];
    followRoom({
      queryClient: first.queryClient,
      handle: me,
      socket,
      onSessionEnded: (notice) => ended.push(notice),
      checkSession: async () => ({ handle: me }),
    });
    events.emit("close", { code: 4401, reason: "signed out" });
    expect(ended).toEqual(["You signed out in another tab or window."]);
  });

  it("a 4401 close from elsewhere signs out with the room's reason", () => {
    const { events, ended } = setup();
    events.emit("close", { code: 4401, reason: "signed out everywhere" });
    expect(ended).toEqual(["You were signed out everywhere."]);
  });

  it("a dropped connection reads as reconnecting, and stops sends until the next greeting", () => {
    const { queryClient, room, events, hello } = setup();
    events.emit("message", hello(PROTOCOL_VERSION));
    events.emit("close", { code: 1006, reason: "" });
    expect(queryClient.getQueryData(socketStatusQueryOptions().queryKey)).toBe("reconnecting");
    expect(room.send({ type: "ping" })).toBe(false);
  });
});

describe("a buddy's new presence", () => {
  it("has whether they take my messages read again, for them only", () => {
    const { queryClient, events } = setup();
    const accepting = { accepting: true } as const;
    for (const peer of ["bob", "carol"])
      queryClient.setQueryData(deliverableQueryOptions(me, peer).queryKey, accepting);
    events.emit("message", {
      type: "buddy.updated",
      buddy: {
        handle: "bob",
        state: "active",
        since: 1,
        view: { handle: "bob", status: "closed", lastSeen: 1 },
      },
    });
    const invalidated = (peer: string) =>
      queryClient.getQueryState(deliverableQueryOptions(me, peer).queryKey)?.isInvalidated;
    expect(invalidated("bob")).toBe(true);
    expect(invalidated("carol")).toBe(false);
  });
});

describe("an event that lands while the same data is being read again", () => {
  it("is not undone by the older answer: the data is read once more after it", async () => {
    const { queryClient, events } = setup();
    const queryKey = subscribersQueryOptions(me).queryKey;
    const answers: Array<(list: Subscriber[]) => void> = [];
    const bob: Subscriber = { handle: "bob", state: "pending", requestedAt: 1 };
    // A re-read (after a hello) is on its way and will answer what the room held before.
    void queryClient
      .fetchQuery({
        queryKey,
        queryFn: () => new Promise<Subscriber[]>((resolve) => answers.push(resolve)),
      })
      .catch(() => undefined); // cancelled for the new read
    events.emit("message", { type: "subscriber.updated", subscriber: bob });
    expect(queryClient.getQueryData(queryKey)).toEqual([bob]);
    answers[0]?.([]); // the older answer, without Bob's request
    await vi.waitFor(() => expect(answers).toHaveLength(2));
    answers[1]?.([bob]);
    await vi.waitFor(() => expect(queryClient.getQueryData(queryKey)).toEqual([bob]));
  });

  it("is written as it is when nothing is being read", () => {
    const { queryClient, events } = setup();
    const queryKey = subscribersQueryOptions(me).queryKey;
    const bob: Subscriber = { handle: "bob", state: "pending", requestedAt: 1 };
    events.emit("message", { type: "subscriber.updated", subscriber: bob });
    expect(queryClient.getQueryData(queryKey)).toEqual([bob]);
    expect(queryClient.isFetching()).toBe(0);
  });
});
