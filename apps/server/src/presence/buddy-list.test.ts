import { VIEW_WRITE_DELAY_MS, VIEW_WRITE_SPREAD_FACTOR } from "@pim/model";
import { LIMITS, type PresenceView } from "@pim/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ApiError, asApiError } from "../http/api-error.ts";
import { Refusal } from "../refusal.ts";
import { type BuddyRecord, WatchStore } from "../store/watch-store.ts";
import { fakeClock } from "../test-support/fake-clock.ts";
import { FakeRooms } from "../test-support/fake-rooms.ts";
import { h } from "../test-support/handles.ts";
import { MemoryStorage } from "../test-support/memory-storage.ts";
import { recorder } from "../test-support/recorder.ts";
import { BuddyList, type BuddyOutlets } from "./buddy-list.ts";

afterEach(() => {
  vi.useRealTimers();
});

const open = (handle: string, note?: string): PresenceView => ({
  handle,
  status: "open",
  availability: "available",
  ...(note ? { note } : {}),
});

async function setup(options: { anonymous?: Set<string>; storage?: MemoryStorage } = {}) {
  const clock = fakeClock();
  const storage = options.storage ?? new MemoryStorage();
  const rooms = new FakeRooms();
  const out = recorder<BuddyOutlets>();
  const build = async () => {
    const list = new BuddyList(
      "bob",
      new WatchStore(storage.asStorage()),
      rooms.asClient(),
      (presentity) => options.anonymous?.has(presentity) ?? false,
      out.outlets,
      clock.now,
    );
    await list.load();
    return list;
  };
  return { clock, storage, rooms, out, buddies: await build(), reload: build };
}

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Refusal);
  // Asserted as the HTTP layer would answer it: the statuses are the contract.
  return asApiError(error as Refusal);
}

const stored = (storage: MemoryStorage, handle: string) =>
  storage.dump().get(`buddy:${handle}`) as BuddyRecord | undefined;

describe("adding a buddy", () => {
  it.each([
    { state: "pending", reply: { state: "pending", seq: 0 } },
    { state: "active", reply: { state: "active", view: open("alice"), seq: 4 } },
    { state: "refused", reply: { state: "refused", seq: 0 } },
  ] as const)("keeps what the presentity's room answers: $state", async ({ state, reply }) => {
    const { rooms, buddies, storage, out, clock } = await setup();
    rooms.answer("/rc/subscribe", { status: 201, body: reply }, "alice");
    const buddy = await buddies.add(h("Alice"));
    expect(buddy).toEqual({
      handle: "alice",
      state,
      since: clock.now(),
      ...("view" in reply ? { view: reply.view } : {}),
    });
    expect(rooms.calls).toEqual([{ to: "alice", path: "/rc/subscribe", payload: { anonymous: false } }]);
    expect(stored(storage, "alice")).toEqual({ ...buddy, seq: reply.seq });
    expect(out.args("updated")).toEqual([[buddy, JSON.stringify(buddy)]]);
    expect(buddies.isBuddy("alice")).toBe(true); // asked counts, whatever the answer
  });

  it("asks anonymously where my visibility rules say so", async () => {
    const { rooms, buddies } = await setup({ anonymous: new Set(["alice"]) });
    rooms.answer("/rc/subscribe", { status: 201, body: { state: "pending", seq: 0 } });
    await buddies.add(h("alice"));
    await buddies.add(h("carol"));
    expect(rooms.calls.map((c) => [c.to, c.payload])).toEqual([
      ["alice", { anonymous: true }],
      ["carol", { anonymous: false }],
    ]);
  });

  it.each([
    { case: "myself", handle: "Bob", reply: undefined, status: 400 },
    {
      case: "no one",
      handle: "nobody",
      reply: { status: 404, body: { error: { code: "not_found" } } },
      status: 404,
    },
    {
      case: "a full presentity",
      handle: "alice",
      reply: { status: 409, body: { error: { code: "limit_reached", message: "full" } } },
      status: 409,
    },
    { case: "a failing room", handle: "alice", reply: { status: 500, body: null }, status: 502 },
    {
      case: "a garbled answer",
      handle: "alice",
      reply: { status: 200, body: { state: "maybe" } },
      status: 502,
    },
  ])("refuses $case with $status and keeps nothing", async ({ handle, reply, status }) => {
    const { rooms, buddies, storage, out } = await setup();
    if (reply) rooms.answer("/rc/subscribe", reply);
    expect((await apiError(buddies.add(h(handle)))).status).toBe(status);
    expect(buddies.list()).toEqual([]);
    expect(storage.dump().size).toBe(0);
    expect(out.calls).toEqual([]);
  });

  it("refuses a duplicate, but asking again after a refusal or an ending is a new request", async () => {
    const { rooms, buddies } = await setup();
    rooms.answer("/rc/subscribe", { status: 201, body: { state: "pending", seq: 0 } });
    await buddies.add(h("alice"));
    expect((await apiError(buddies.add(h("alice")))).status).toBe(409);
    await buddies.notified("alice", { state: "refused", seq: 1 });
    await expect(buddies.add(h("alice"))).resolves.toMatchObject({ state: "pending" });
  });

  it("holds at most the limit", async () => {
    const storage = new MemoryStorage();
    const many = Array.from({ length: LIMITS.maxBuddies }, (_, i) => ({
      handle: `friend${i}`,
      state: "active" as const,
      since: 0,
      seq: 0,
    }));
    await new WatchStore(storage.asStorage()).putBuddies(many);
    const { buddies, rooms } = await setup({ storage });
    const error = await apiError(buddies.add(h("alice")));
    expect(error).toMatchObject({ status: 409, code: "limit_reached" });
    expect(rooms.calls).toEqual([]);
  });
});

describe("removing a buddy", () => {
  it("ends it on both sides, even when the other room cannot be reached", async () => {
    const { rooms, buddies, storage, out } = await setup();
    rooms.answer("/rc/subscribe", { status: 201, body: { state: "pending", seq: 0 } });
    rooms.answer("/rc/unsubscribe", new Error("unreachable"));
    await buddies.add(h("alice"));
    await buddies.remove(h("Alice"));
    expect(buddies.list()).toEqual([]);
    expect(stored(storage, "alice")).toBeUndefined();
    expect(out.args("removed")).toEqual([["alice"]]);
    expect(rooms.callsTo("/rc/unsubscribe")).toEqual([{ to: "alice", path: "/rc/unsubscribe", payload: {} }]);
    expect((await apiError(buddies.remove(h("alice")))).status).toBe(404);
  });
});

describe("notifications from a buddy's room", () => {
  async function watchingAlice() {
    const parts = await setup();
    parts.rooms.answer("/rc/subscribe", {
      status: 201,
      body: { state: "active", view: open("alice"), seq: 5 },
    });
    await parts.buddies.add(h("alice"));
    parts.out.clear();
    return parts;
  }

  it("are refused from a room I do not watch", async () => {
    const { buddies } = await setup();
    expect(await buddies.notified("alice", { state: "active", view: open("alice"), seq: 1 })).toBe(false);
  });

  it("an older one, overtaken, is dropped", async () => {
    const { buddies, out } = await watchingAlice();
    expect(await buddies.notified("alice", { state: "active", view: open("alice", "old"), seq: 4 })).toBe(
      true,
    );
    expect(out.calls).toEqual([]);
    expect(buddies.list()[0]?.view).toEqual(open("alice"));
  });

  it("a new view shows at once and is written with the next batch; a new state is written at once", async () => {
    const { buddies, out, storage, clock } = await watchingAlice();
    await buddies.notified("alice", { state: "active", view: open("alice", "back at 3"), seq: 6 });
    expect(out.args("updated").at(-1)?.[0].view?.note).toBe("back at 3");
    expect(stored(storage, "alice")?.view?.note).toBeUndefined();
    // Not before the delay; by the end of the spread after it (where in it is random).
    await clock.advance(VIEW_WRITE_DELAY_MS - 1);
    expect(stored(storage, "alice")?.view?.note).toBeUndefined();
    await clock.advance(VIEW_WRITE_DELAY_MS * VIEW_WRITE_SPREAD_FACTOR + 1);
    expect(stored(storage, "alice")).toMatchObject({ seq: 6, view: { note: "back at 3" } });

    await buddies.notified("alice", { state: "refused", seq: 7 });
    expect(stored(storage, "alice")).toEqual({
      handle: "alice",
      state: "refused",
      since: expect.any(Number),
      seq: 7,
    });
    expect(out.args("updated").at(-1)?.[0]).not.toHaveProperty("view");
  });

  it("the same view again shows nothing new", async () => {
    const { buddies, out } = await watchingAlice();
    await buddies.notified("alice", { state: "active", view: open("alice"), seq: 5 });
    expect(out.calls).toEqual([]);
  });
});

describe("refreshing on my return", () => {
  it("asks every active or pending buddy's room for a refresh, and one failure stops no other", async () => {
    const { rooms, buddies, out } = await setup({ anonymous: new Set(["carol"]) });
    rooms.answer("/rc/subscribe", (_payload, to) => ({
      status: 201,
      body: to === "dana" ? { state: "refused", seq: 0 } : { state: "active", view: open(to), seq: 1 },
    }));
    for (const who of ["alice", "carol", "dana", "erin"]) await buddies.add(h(who));
    rooms.answer(
      "/rc/fetch",
      { status: 200, body: { state: "active", access: "granted", view: open("alice", "lunch"), seq: 9 } },
      "alice",
    );
    rooms.answer("/rc/fetch", { status: 200, body: { state: "ended", access: "refused", seq: 2 } }, "carol");
    rooms.answer("/rc/fetch", new Error("unreachable"), "erin");
    out.clear();
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    await buddies.refresh();
    expect(rooms.callsTo("/rc/fetch").map((c) => [c.to, c.payload])).toEqual([
      ["alice", { purpose: "refresh", anonymous: false }],
      ["carol", { purpose: "refresh", anonymous: true }],
      ["erin", { purpose: "refresh", anonymous: false }],
    ]);
    const byHandle = new Map(buddies.list().map((b) => [b.handle, b]));
    expect(byHandle.get("alice")).toMatchObject({ state: "active", view: { note: "lunch" } });
    expect(byHandle.get("carol")).toMatchObject({ state: "ended" });
    expect(byHandle.get("carol")).not.toHaveProperty("view");
    expect(byHandle.get("erin")).toMatchObject({ state: "active", view: open("erin") });
    expect(buddies.isBuddy("carol")).toBe(false);
  });
});

describe("a room started again", () => {
  it("has the buddies it wrote", async () => {
    const { rooms, buddies, reload } = await setup();
    rooms.answer("/rc/subscribe", { status: 201, body: { state: "active", view: open("alice"), seq: 3 } });
    await buddies.add(h("alice"));
    expect((await reload()).list()).toEqual(buddies.list());
  });
});
