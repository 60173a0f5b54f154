import { afterEach, describe, expect, it, vi } from "vitest";
import { watchLiveness } from "./socket-liveness.ts";

afterEach(() => {
  vi.useRealTimers();
});

function setup(waiting = true) {
  vi.useFakeTimers({ now: 0 });
  const calls: string[] = [];
  const state = { waiting };
  const liveness = watchLiveness({
    waiting: () => state.waiting,
    ping: () => calls.push("ping"),
    reconnect: () => calls.push("reconnect"),
  });
  return { liveness, calls, state };
}

describe("watchLiveness: a socket that looks open but carries nothing", () => {
  it("an answer within patience: no ping", () => {
    const { liveness, calls, state } = setup();
    liveness.sent();
    vi.advanceTimersByTime(3_000);
    liveness.heard();
    state.waiting = false;
    vi.advanceTimersByTime(30_000);
    expect(calls).toEqual([]);
  });

  it("nothing heard for the patience after a send: the room is pinged, and a pong keeps the socket", () => {
    const { liveness, calls } = setup();
    liveness.sent();
    vi.advanceTimersByTime(10_000);
    expect(calls).toEqual(["ping"]);
    liveness.heard(); // the pong: the socket carries; the room is slow, not gone
    vi.advanceTimersByTime(9_000);
    expect(calls).toEqual(["ping"]);
  });

  it("no pong either: the socket is reconnected (once), and patience starts again", () => {
    const { liveness, calls } = setup();
    liveness.sent();
    vi.advanceTimersByTime(10_000);
    vi.advanceTimersByTime(5_000);
    expect(calls).toEqual(["ping", "reconnect"]);
    vi.advanceTimersByTime(9_000);
    expect(calls).toEqual(["ping", "reconnect"]);
  });

  it("nothing waiting for an answer: silence is fine", () => {
    const { liveness, calls } = setup(false);
    liveness.sent();
    vi.advanceTimersByTime(60_000);
    expect(calls).toEqual([]);
  });

  it("stops when told", () => {
    const { liveness, calls } = setup();
    liveness.sent();
    liveness.stop();
    vi.advanceTimersByTime(60_000);
    expect(calls).toEqual([]);
  });
});
