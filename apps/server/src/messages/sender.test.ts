import { messageKey } from "@pim/model";
import type { StoredMessage } from "@pim/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConversationStore } from "../store/conversation-store.ts";
import { fakeClock } from "../test-support/fake-clock.ts";
import type { RoomReply } from "../test-support/fake-rooms.ts";
import { FakeRooms } from "../test-support/fake-rooms.ts";
import { h } from "../test-support/handles.ts";
import { MemoryStorage } from "../test-support/memory-storage.ts";
import { recorder } from "../test-support/recorder.ts";
import { Conversations, OUTCOME_WRITE_DELAY_MS } from "./conversations.ts";
import { Sender } from "./sender.ts";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const UNREACHABLE = "Not delivered: their inbox could not be reached. Try again.";
const ACCEPTED: RoomReply = { status: 200, body: { accepted: true, silent: false } };

async function setup() {
  const clock = fakeClock();
  const storage = new MemoryStorage();
  const rooms = new FakeRooms();
  const changed = recorder<{ changed(message: StoredMessage): void }>();
  const conversations = new Conversations(new ConversationStore(storage.asStorage()), changed.outlets);
  await conversations.load();
  const sender = new Sender("alice", conversations, rooms.asClient(), clock.now);
  let n = 0;
  const send = (to: string, text = "hi", id = `id-${++n}-0000000000`) => sender.send({ id, to: h(to), text });
  const history = async (peer: string) => (await conversations.page(peer, undefined, 100)).reverse();
  return { clock, storage, rooms, changed, conversations, sender, send, history };
}

describe("sending a message", () => {
  it("hands it to the recipient's room and keeps it delivered", async () => {
    const s = await setup();
    s.rooms.answer("/rc/deliver", ACCEPTED, "bob");
    expect(await s.send("Bob", "hello <b>Bob</b>")).toEqual({
      type: "message.ack",
      id: "id-1-0000000000",
      state: "delivered",
    });
    expect(s.rooms.calls).toEqual([
      {
        to: "bob",
        path: "/rc/deliver",
        payload: { id: "id-1-0000000000", text: "hello <b>Bob</b>", sentAt: s.clock.now() },
      },
    ]);
    expect(await s.history("bob")).toEqual([
      expect.objectContaining({
        from: "alice",
        to: "bob",
        seq: 1,
        state: "delivered",
        text: "hello <b>Bob</b>",
      }),
    ]);
    expect(s.conversations.meta("bob")).toMatchObject({ lastSeq: 1, unread: 0 });
  });

  it("a later message shows as sending on my tabs at once, then as what the room answered", async () => {
    const s = await setup();
    s.rooms.answer("/rc/deliver", ACCEPTED);
    await s.send("bob");
    s.changed.clear();
    await s.send("bob", "second");
    expect(s.changed.args("changed").map(([m]) => [m.seq, m.state])).toEqual([
      [2, "sending"],
      [2, "delivered"],
    ]);
  });

  it.each([
    { case: "to myself", to: "alice", answer: undefined, reason: "You cannot send a message to yourself." },
    {
      case: "to no one",
      to: "nobody",
      answer: { status: 404, body: null },
      reason: "No one has the handle nobody.",
    },
    { case: "to a room that cannot be reached", to: "bob", answer: new Error("down"), reason: UNREACHABLE },
    {
      case: "to a room answering nonsense",
      to: "bob",
      answer: { status: 200, body: { ok: 1 } },
      reason: UNREACHABLE,
    },
  ])("a first message $case fails, and nothing is stored or shown", async ({ to, answer, reason }) => {
    const s = await setup();
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    if (answer) s.rooms.answer("/rc/deliver", answer);
    expect(await s.send(to)).toEqual({ type: "message.ack", id: "id-1-0000000000", state: "failed", reason });
    expect(s.storage.dump().size).toBe(0);
    expect(s.changed.calls).toEqual([]);
  });

  it("a refusal is kept as failed with the recipient's reason, and the time to wait", async () => {
    const s = await setup();
    const reason = "Not delivered: you are sending too fast. Try again in 5 seconds.";
    s.rooms.answer("/rc/deliver", {
      status: 200,
      body: { accepted: false, reason: "rate_limited", message: reason, retryAfter: 5 },
    });
    expect(await s.send("bob")).toEqual({
      type: "message.ack",
      id: "id-1-0000000000",
      state: "failed",
      reason,
      retryAfter: 5,
    });
    expect(await s.history("bob")).toEqual([expect.objectContaining({ state: "failed", reason })]);
  });
});

describe("nothing lost, nothing doubled", () => {
  it("a resend of a delivered message is answered from my copy, without handing it over again", async () => {
    const s = await setup();
    s.rooms.answer("/rc/deliver", ACCEPTED);
    await s.send("bob", "only once", "same-id-00000000");
    expect(await s.send("bob", "only once", "same-id-00000000")).toMatchObject({ state: "delivered" });
    expect(s.rooms.callsTo("/rc/deliver")).toHaveLength(1);
    expect(await s.history("bob")).toHaveLength(1);
  });

  it("a resend of a failed message is handed over again and keeps its place", async () => {
    const s = await setup();
    s.rooms.answer("/rc/deliver", ACCEPTED);
    await s.send("bob", "first");
    s.rooms.answer("/rc/deliver", new Error("down"));
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(await s.send("bob", "second", "retry-id-0000000")).toMatchObject({
      state: "failed",
      reason: UNREACHABLE,
    });
    s.rooms.answer("/rc/deliver", ACCEPTED);
    expect(await s.send("bob", "second", "retry-id-0000000")).toMatchObject({ state: "delivered" });
    expect((await s.history("bob")).map((m) => [m.seq, m.id, m.state])).toEqual([
      [1, "id-1-0000000000", "delivered"],
      [2, "retry-id-0000000", "delivered"],
    ]);
  });

  it("a resend of a message since deleted from my copy is not brought back", async () => {
    const s = await setup();
    s.rooms.answer("/rc/deliver", ACCEPTED);
    await s.send("bob", "gone", "deleted-id-00000");
    const [message] = await s.history("bob");
    await s.conversations.deleteMessage(
      (message as StoredMessage).conversation,
      (message as StoredMessage).seq,
    );
    expect(await s.send("bob", "gone", "deleted-id-00000")).toMatchObject({ state: "delivered" });
    expect(await s.history("bob")).toEqual([]);
  });

  it("messages to one recipient are handed over one at a time, in the order sent", async () => {
    const s = await setup();
    s.rooms.answer("/rc/deliver", ACCEPTED);
    await s.send("bob", "first");
    const handedOver: string[] = [];
    let release: () => void = () => undefined;
    const slow = new Promise<void>((r) => {
      release = r;
    });
    s.rooms.answer("/rc/deliver", async (payload) => {
      const { text } = payload as { text: string };
      if (text === "a") await slow;
      handedOver.push(text);
      return ACCEPTED;
    });
    const sends = ["a", "b", "c"].map((text) => s.send("bob", text));
    await Promise.resolve();
    expect(handedOver).toEqual([]);
    release();
    await Promise.all(sends);
    expect(handedOver).toEqual(["a", "b", "c"]);
    expect((await s.history("bob")).map((m) => m.text)).toEqual(["first", "a", "b", "c"]);
  });
});

describe("read receipts from the recipient's room", () => {
  it("turn my delivered messages read, and touch nothing else", async () => {
    const s = await setup();
    s.rooms.answer("/rc/deliver", ACCEPTED);
    await s.send("bob", "one");
    await s.send("bob", "two");
    await s.sender.receipted("bob", ["id-1-0000000000", "not-mine-0000000"]);
    await s.sender.receipted("carol", ["id-2-0000000000"]); // another room cannot mark messages to bob
    expect((await s.history("bob")).map((m) => m.state)).toEqual(["read", "delivered"]);
  });
});

describe("a delivered message's final state is written with the next batch", () => {
  const stored = (s: Awaited<ReturnType<typeof setup>>, seq: number) =>
    s.storage.dump().get(messageKey("bob", seq)) as StoredMessage | undefined;
  const staged = (s: Awaited<ReturnType<typeof setup>>) =>
    [...s.storage.dump().keys()].filter((key) => key.startsWith("out:"));

  it("acknowledged and shown at once, still staged on disk until the batch, then written once for all", async () => {
    const s = await setup();
    s.rooms.answer("/rc/deliver", ACCEPTED);
    await s.send("bob", "one");
    await s.send("bob", "two");
    await s.send("carol", "three");
    expect(staged(s)).toHaveLength(3);
    expect(stored(s, 2)).toMatchObject({ state: "sending" });
    // Everything read through the room sees the final state meanwhile.
    expect((await s.history("bob")).map((m) => m.state)).toEqual(["delivered", "delivered"]);
    expect(await s.conversations.message(h("bob"), 2)).toMatchObject({ state: "delivered" });
    expect(s.conversations.meta("bob").last).toMatchObject({ seq: 2, state: "delivered" });

    const writesBefore = s.storage.writes.length;
    await s.clock.advance(OUTCOME_WRITE_DELAY_MS);
    expect(staged(s)).toEqual([]);
    expect(stored(s, 2)).toMatchObject({ state: "delivered" });
    expect(s.storage.dump().get("conv:bob")).toMatchObject({ last: { seq: 2, state: "delivered" } });
    expect(s.storage.dump().get(messageKey("carol", 1))).toMatchObject({ state: "delivered" });
    // Three messages, two metas, three marks ended: one batch.
    expect(s.storage.writes.length - writesBefore).toBe(8);
  });

  it("a refusal is written before it is acknowledged", async () => {
    const s = await setup();
    s.rooms.answer("/rc/deliver", ACCEPTED);
    await s.send("bob", "first");
    const reason = "Not delivered: bob refuses messages from people not on their buddy list.";
    s.rooms.answer("/rc/deliver", {
      status: 200,
      body: { accepted: false, reason: "refused", message: reason },
    });
    await s.send("bob", "second");
    expect(stored(s, 2)).toMatchObject({ state: "failed", reason });
    expect(staged(s)).toHaveLength(1); // the first, delivered, waits for the batch
  });

  it("a receipt that arrives before the batch turns it read, and read is what is written", async () => {
    const s = await setup();
    s.rooms.answer("/rc/deliver", ACCEPTED);
    await s.send("bob", "one");
    await s.sender.receipted("bob", ["id-1-0000000000"]);
    expect(stored(s, 1)).toMatchObject({ state: "read" });
    expect(staged(s)).toEqual([]);
    await s.clock.advance(OUTCOME_WRITE_DELAY_MS);
    expect(stored(s, 1)).toMatchObject({ state: "read" });
  });

  it("a message deleted before the batch stays deleted, its staging ended, and a resend answers delivered", async () => {
    const s = await setup();
    s.rooms.answer("/rc/deliver", ACCEPTED);
    await s.send("bob", "gone", "deleted-id-00000");
    await s.conversations.deleteMessage(h("bob"), 1);
    await s.clock.advance(OUTCOME_WRITE_DELAY_MS);
    expect(stored(s, 1)).toBeUndefined();
    expect(staged(s)).toEqual([]);
    expect(await s.send("bob", "gone", "deleted-id-00000")).toMatchObject({ state: "delivered" });
    expect(s.rooms.callsTo("/rc/deliver")).toHaveLength(1);
  });

  it("a conversation deleted before the batch is not written back by it", async () => {
    const s = await setup();
    s.rooms.answer("/rc/deliver", ACCEPTED);
    await s.send("bob", "one");
    await s.conversations.deleteConversation(h("bob"));
    await s.clock.advance(OUTCOME_WRITE_DELAY_MS);
    expect(s.storage.dump().size).toBe(0);
  });

  it("after a crash before the batch, the restarted room hands it over again: delivered, one copy", async () => {
    const s = await setup();
    const received = new Set<string>();
    s.rooms.answer("/rc/deliver", (payload) => {
      received.add((payload as { id: string }).id);
      return ACCEPTED; // the recipient's room recognizes an id it holds and answers the same
    });
    expect(await s.send("bob", "acknowledged")).toMatchObject({ state: "delivered" });
    // The room stops here: a new one starts on the same storage, the batch never written.
    const conversations = new Conversations(
      new ConversationStore(s.storage.asStorage()),
      recorder<{ changed(message: StoredMessage): void }>().outlets,
    );
    await conversations.load();
    const sender = new Sender("alice", conversations, s.rooms.asClient(), s.clock.now);
    expect(await sender.resume()).toBe(1);
    await s.clock.advance(0);
    await vi.waitFor(async () =>
      expect((await conversations.page(h("bob"), undefined, 10)).map((m) => m.state)).toEqual(["delivered"]),
    );
    expect(staged(s)).toEqual([]);
    expect(s.rooms.callsTo("/rc/deliver")).toHaveLength(2);
    expect(received.size).toBe(1);
  });
});
