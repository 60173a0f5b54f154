import type { RcNotify } from "@pim/protocol";
import type * as Party from "partykit/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ROOM_CALL_HEADER, verifyRoomCall } from "../auth/room-call.ts";
import type { RoomCallResult } from "./room-call-result.ts";
import { RoomChannels } from "./room-channels.ts";
import type { RoomClient } from "./room-client.ts";

const SECRET = "test-secret-test-secret-test-secret";

/** A socket as the runtime hands one back from `stub.socket()`: frames out, events in. */
class FakeSocket {
  /** The subscriber room it was opened to. */
  to = "";
  readonly sent: unknown[] = [];
  closed: { code?: number; reason?: string } | null = null;
  private readonly listeners = new Map<string, Array<(event: { data?: unknown }) => void>>();
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close(code?: number, reason?: string) {
    this.closed = { code, reason };
  }
  addEventListener(type: string, listener: (event: { data?: unknown }) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  emit(type: string, data?: unknown) {
    for (const listener of this.listeners.get(type) ?? []) listener({ data });
  }
}

function setup(options: { refuse?: boolean; http?: RoomCallResult<"notify">; idleMs?: number } = {}) {
  let socket = new FakeSocket();
  const sockets = [socket];
  const opened: Array<{ to: string; path: string; header: string }> = [];
  const parties = {
    user: {
      get: (to: string) => ({
        socket: async (path: string, init: { headers: Record<string, string> }) => {
          opened.push({ to, path, header: init.headers[ROOM_CALL_HEADER] as string });
          if (options.refuse) throw new Error("cannot open");
          if (opened.length > 1) {
            socket = new FakeSocket();
            sockets.push(socket);
          }
          socket.to = to;
          return socket;
        },
      }),
    },
  } as unknown as Party.Context["parties"];
  const call = vi.fn(
    async (): Promise<RoomCallResult<"notify">> => options.http ?? { ok: true, reply: { ok: true } },
  );
  const gone = vi.fn();
  const channels = new RoomChannels(parties, "alice", SECRET, { call } as unknown as RoomClient, gone, {
    idleMs: options.idleMs ?? 60_000,
    now: () => Date.now(),
  });
  /** The frames each subscriber room's socket carried, by room. */
  const sentTo = () => new Map(sockets.map((s) => [s.to, s.sent]));
  return { channels, socket, sockets, sentTo, opened, call, gone };
}

const view = (note: string): RcNotify => ({
  state: "active",
  seq: 1,
  view: { handle: "alice", status: "open", contact: "im:alice", note } as RcNotify["view"],
});

/** How many frames each room's socket carried, as "room:count" sorted: the order sockets opened in does not count. */
const framesPerRoom = (sent: Map<string, unknown[]>) =>
  [...sent].map(([to, frames]) => `${to}:${frames.length}`).sort();

const realSetTimeout = globalThis.setTimeout;

/**
 * Waits until `check` passes. Opening a channel signs (WebCrypto, on libuv's threads) and then
 * resolves the socket's promise: how long that takes depends on the machine's load, and two
 * channels opening at once may finish in either order. Polled on a real timer (taken before any
 * test fakes them), so it also works under fake timers without moving their clock.
 */
async function until(check: () => void, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (performance.now() > deadline) throw error;
    }
    await new Promise((r) => realSetTimeout(r, 1));
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe("RoomChannels", () => {
  it("opens one channel per subscriber room, signed for that room and path", async () => {
    const { channels, opened, socket } = setup();
    channels.tell("bob", view("a"));
    channels.tell("bob", view("b"));
    // Both frames went out on the first socket: the second tell opened none of its own.
    await until(() => expect(socket.sent).toHaveLength(2));
    expect(opened).toHaveLength(1);
    const [first] = opened;
    expect(first?.path).toBe("/rc/channel");
    const caller = await verifyRoomCall(
      SECRET,
      first?.header ?? "",
      { to: "bob", method: "GET", path: "/rc/channel", body: "" },
      Date.now(),
    );
    expect(caller).toBe("alice");
  });

  it("tells one view to many subscribers in the same frame, a new sequence number in a new one", async () => {
    const { channels, sockets, sentTo } = setup();
    const shared = view("shared");
    channels.tell("bob", shared);
    channels.tell("carol", { ...shared });
    await until(() => expect(framesPerRoom(sentTo())).toEqual(["bob:1", "carol:1"]));
    // bob's channel is open now: a frame to it goes out at once.
    channels.tell("bob", { ...shared, seq: 2 });
    expect(sentTo().get("bob")).toHaveLength(2);
    expect(sentTo().get("carol")).toHaveLength(1);
    channels.tell("erin", { ...shared, state: "ended", view: undefined });
    channels.tell("fred", {
      ...shared,
      view: { ...(shared.view as object), note: "other" } as RcNotify["view"],
    });
    await until(() => expect(framesPerRoom(sentTo())).toEqual(["bob:2", "carol:1", "erin:1", "fred:1"]));
    // One socket per subscriber room (bob and carol's may have opened in either order).
    expect(sockets.map((s) => s.to).sort()).toEqual(["bob", "carol", "erin", "fred"]);
    expect(sentTo()).toEqual(
      new Map([
        [
          "bob",
          [
            { type: "notify", notification: shared },
            { type: "notify", notification: { ...shared, seq: 2 } },
          ],
        ],
        ["carol", [{ type: "notify", notification: shared }]],
        ["erin", [{ type: "notify", notification: { state: "ended", seq: 1 } }]],
        ["fred", [{ type: "notify", notification: { ...shared, view: { ...shared.view, note: "other" } } }]],
      ]),
    );
  });

  it("tells without asking a reply, in order; a 'gone' answer ends the subscription", async () => {
    const { channels, socket, gone } = setup();
    channels.tell("bob", view("a"));
    channels.tell("bob", view("b"));
    await until(() => expect(socket.sent).toHaveLength(2));
    expect(socket.sent).toEqual([
      { type: "notify", notification: view("a") },
      { type: "notify", notification: view("b") },
    ]);
    socket.emit("message", JSON.stringify({ type: "gone" }));
    expect(gone).toHaveBeenCalledWith("bob");
  });

  it("notify waits for its own reply", async () => {
    const { channels, socket } = setup();
    const first = channels.notify("bob", view("a"));
    const second = channels.notify("bob", view("b"));
    await until(() => expect(socket.sent).toHaveLength(2));
    expect(socket.sent).toMatchObject([{ n: 0 }, { n: 1 }]);
    socket.emit("message", JSON.stringify({ type: "gone", n: 1 }));
    socket.emit("message", JSON.stringify({ type: "notified", n: 0 }));
    await expect(first).resolves.toBe("notified");
    await expect(second).resolves.toBe("gone");
  });

  it("a lost channel hands what is pending, and the latest view told, to HTTP; the next opens anew", async () => {
    const { channels, socket, call, opened } = setup();
    channels.tell("bob", view("told"));
    const pending = channels.notify("bob", view("pending"));
    await until(() => expect(socket.sent).toHaveLength(2));
    socket.emit("close");
    await expect(pending).resolves.toBe("notified");
    expect(call).toHaveBeenCalledWith("notify", "bob", view("pending"));
    expect(call).toHaveBeenCalledWith("notify", "bob", view("told"));
    channels.tell("bob", view("again"));
    await until(() => expect(opened).toHaveLength(2));
  });

  it("a channel that will not open sends by HTTP, and a refusal there is 'gone'", async () => {
    const { channels, call, gone } = setup({ refuse: true, http: { ok: false, failure: "gone" } });
    await expect(channels.notify("bob", view("a"))).resolves.toBe("gone");
    channels.tell("bob", view("b"));
    await until(() => {
      expect(call).toHaveBeenCalledWith("notify", "bob", view("b"));
      expect(gone).toHaveBeenCalledWith("bob");
    });
  });

  it("ignores malformed replies and replies to nothing pending", async () => {
    const { channels, socket, gone } = setup();
    const pending = channels.notify("bob", view("a"));
    await until(() => expect(socket.sent).toHaveLength(1));
    socket.emit("message", "{not json");
    socket.emit("message", JSON.stringify({ type: "notified", n: 99 }));
    socket.emit("message", JSON.stringify({ type: "bogus", n: 0 }));
    socket.emit("message", JSON.stringify({ type: "notified", n: 0 }));
    await expect(pending).resolves.toBe("notified");
    expect(gone).not.toHaveBeenCalled();
  });

  // The idle checks run on (fake) timers and read the (fake) clock: the time between uses is
  // exact whatever the machine's load, while signing and opening still happen for real.
  const fakeTimers = () => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });

  it("closes a channel unused for the idle time, hands nothing to HTTP, and the next change opens a new one", async () => {
    fakeTimers();
    const { channels, sockets, opened, call } = setup({ idleMs: 100 });
    channels.tell("bob", view("a"));
    await until(() => expect(sockets[0]?.sent).toHaveLength(1));
    expect(channels.openCount).toBe(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(sockets[0]?.closed).toBeNull();
    await vi.advanceTimersByTimeAsync(101);
    expect(sockets[0]?.closed).toEqual({ code: 1000, reason: "idle" });
    expect(channels.openCount).toBe(0);
    sockets[0]?.emit("close"); // the runtime's close event after ours: nothing is resent
    expect(call).not.toHaveBeenCalled();
    channels.tell("bob", view("b"));
    await until(() => expect(sockets[1]?.sent).toEqual([{ type: "notify", notification: view("b") }]));
    expect(opened).toHaveLength(2);
  });

  it("keeps a channel open while it is used, and while a reply is awaited", async () => {
    fakeTimers();
    const { channels, socket } = setup({ idleMs: 150 });
    channels.tell("bob", view("a"));
    // Open first: until then the channel is kept for its opening, not for being used.
    await until(() => expect(socket.sent).toHaveLength(1));
    for (let i = 0; i < 4; i++) {
      await vi.advanceTimersByTimeAsync(60);
      channels.tell("bob", view(`b${i}`));
    }
    expect(socket.closed).toBeNull();
    const pending = channels.notify("bob", view("c"));
    await vi.advanceTimersByTimeAsync(300);
    expect(socket.closed).toBeNull();
    socket.emit("message", JSON.stringify({ type: "notified", n: 0 }));
    await expect(pending).resolves.toBe("notified");
    await vi.advanceTimersByTimeAsync(300);
    expect(socket.closed).toEqual({ code: 1000, reason: "idle" });
  });
});
