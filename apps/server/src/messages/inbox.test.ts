import { DEFAULT_DELIVERY_RULES, NOT_ACCEPTING, NOT_ACCEPTING_WHILE_CLOSED } from "@pim/model";
import type { Availability, DeliveryRules, PresenceView, StoredMessage } from "@pim/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Refusal } from "../refusal.ts";
import { ConversationStore } from "../store/conversation-store.ts";
import { fakeClock, settle } from "../test-support/fake-clock.ts";
import { FakeRooms } from "../test-support/fake-rooms.ts";
import { MemoryStorage } from "../test-support/memory-storage.ts";
import { recorder } from "../test-support/recorder.ts";
import { Conversations } from "./conversations.ts";
import { Inbox, type InboxLimits, type InboxOutlets } from "./inbox.ts";

afterEach(() => {
  vi.useRealTimers();
});

const LIMITS: InboxLimits = {
  sender: { perMinute: 30, burst: 10 },
  inbox: { perMinute: 300, burst: 60 },
  quota: { perSenderBytes: 64_000, strangersBytes: 1_000_000 },
};

/**
 * Bob's inbox, with what the rest of his room would answer held in plain fields the test sets:
 * his rules, blocklist, buddies, his presence and how each person may see it.
 */
async function setup(
  options: {
    limits?: Partial<InboxLimits>;
    rules?: Partial<DeliveryRules>;
    /** The storage and clock of a room built again (after hibernating). */
    storage?: MemoryStorage;
    clock?: ReturnType<typeof fakeClock>;
  } = {},
) {
  const clock = options.clock ?? fakeClock();
  const storage = options.storage ?? new MemoryStorage();
  const rooms = new FakeRooms().answer("/rc/receipt", { status: 200, body: { ok: true } });
  rooms.answer("/rc/typing", { status: 200, body: { ok: true } });
  const state = {
    rules: { ...DEFAULT_DELIVERY_RULES, ...options.rules } as DeliveryRules,
    blocked: new Set<string>(),
    buddies: new Set<string>(),
    availability: "available" as Availability,
    /** How each person sees Bob: "open" unless set; null = not at all. */
    seenBy: new Map<string, PresenceView["status"] | null>(),
  };
  const view = (status: PresenceView["status"]): PresenceView => ({ handle: "bob", status });
  const changed = recorder<{ changed(message: StoredMessage): void }>();
  const conversations = new Conversations(new ConversationStore(storage.asStorage()), changed.outlets);
  await conversations.load();
  const out = recorder<InboxOutlets>();
  const inbox = new Inbox(
    "bob",
    conversations,
    {
      rules: () => state.rules,
      isBlocked: (h) => state.blocked.has(h),
      isBuddy: (h) => state.buddies.has(h),
      presence: () => ({ ...view("open"), availability: state.availability }),
      presenceSeenBy: (h) => {
        const status = state.seenBy.has(h) ? state.seenBy.get(h) : "open";
        return status ? view(status) : null;
      },
    },
    rooms.asClient(),
    out.outlets,
    { ...LIMITS, ...options.limits },
    clock.now,
  );
  let n = 0;
  const deliver = (from: string, text = "hello") =>
    inbox.deliver(from, { id: `${from}-${++n}-0000000000`, text, sentAt: clock.now() });
  return { clock, storage, rooms, state, conversations, inbox, out, changed, deliver };
}

type Setup = Awaited<ReturnType<typeof setup>>;
const receiptIds = (s: Setup, to: string) =>
  s.rooms
    .callsTo("/rc/receipt")
    .filter((c) => c.to === to)
    .flatMap((c) => (c.payload as { ids: string[] }).ids);

describe("delivery decisions", () => {
  it.each([
    { case: "anyone may write", expected: { accepted: true, silent: false } },
    {
      case: "a blocked sender",
      set: (s: Setup) => s.state.blocked.add("alice"),
      expected: { accepted: false, reason: "refused", message: NOT_ACCEPTING },
    },
    {
      case: "nobody may write",
      set: (s: Setup) => {
        s.state.rules.whoMayWrite = "nobody";
      },
      expected: { accepted: false, reason: "refused", message: NOT_ACCEPTING },
    },
    {
      case: "buddies only, from a stranger",
      set: (s: Setup) => {
        s.state.rules.whoMayWrite = "buddies";
      },
      expected: { accepted: false, reason: "refused", message: NOT_ACCEPTING },
    },
    {
      case: "buddies only, from a buddy",
      set: (s: Setup) => {
        s.state.rules.whoMayWrite = "buddies";
        s.state.buddies.add("alice");
      },
      expected: { accepted: true, silent: false },
    },
    {
      case: "refusing while CLOSED, to someone who sees me CLOSED (polite block, invisible)",
      set: (s: Setup) => {
        s.state.rules.whileClosed = "refuse";
        s.state.seenBy.set("alice", "closed");
      },
      expected: { accepted: false, reason: "closed", message: NOT_ACCEPTING_WHILE_CLOSED },
    },
    {
      case: "refusing while CLOSED, to someone who may not see me at all",
      set: (s: Setup) => {
        s.state.rules.whileClosed = "refuse";
        s.state.seenBy.set("alice", null);
      },
      expected: { accepted: true, silent: false },
    },
    {
      case: "do not disturb",
      set: (s: Setup) => {
        s.state.availability = "dnd";
      },
      expected: { accepted: true, silent: true },
    },
    {
      case: "busy, from someone who always gets through",
      set: (s: Setup) => {
        s.state.availability = "busy";
        s.state.rules.alwaysThrough = ["alice"];
      },
      expected: { accepted: true, silent: false },
    },
  ])("$case", async ({ set, expected }) => {
    const s = await setup();
    set?.(s);
    expect(s.inbox.decide("alice")).toEqual(expected);
    expect(await s.deliver("alice")).toEqual(expected);
    const kept = await s.inbox.history("alice", undefined, 10);
    expect(kept.messages).toHaveLength(expected.accepted ? 1 : 0);
    if (expected.accepted) {
      expect(kept.messages[0]).toMatchObject({ from: "alice", to: "bob", seq: 1, state: "delivered" });
      expect(kept.messages[0]?.silent).toBe(expected.silent ? true : undefined);
      expect(s.changed.args("changed")).toHaveLength(1);
    }
  });

  it("a resend of a message already in my inbox gets the same answer and is not stored twice", async () => {
    const s = await setup();
    s.state.availability = "dnd";
    const message = { id: "resent-0000000000", text: "once", sentAt: s.clock.now() };
    expect(await s.inbox.deliver("alice", message)).toEqual({ accepted: true, silent: true });
    s.state.blocked.add("alice"); // even a later block does not change the answer to the same message
    expect(await s.inbox.deliver("alice", message)).toEqual({ accepted: true, silent: true });
    expect((await s.inbox.history("alice", undefined, 10)).messages).toHaveLength(1);
  });

  it("a sending time in the future is kept as now", async () => {
    const s = await setup();
    await s.inbox.deliver("alice", { id: "future-0000000000", text: "hi", sentAt: s.clock.now() + 60_000 });
    expect((await s.inbox.history("alice", undefined, 1)).messages[0]?.sentAt).toBe(s.clock.now());
  });
});

describe("rate limits", () => {
  it("one sender past the burst is told to slow down with a time; others are still served", async () => {
    const s = await setup({ limits: { sender: { perMinute: 6, burst: 3 } } });
    for (let i = 0; i < 3; i++) expect((await s.deliver("alice")).accepted).toBe(true);
    const limited = await s.deliver("alice");
    expect(limited).toEqual({
      accepted: false,
      reason: "rate_limited",
      message: "Not delivered: you are sending too fast. Try again in 10 seconds.",
      retryAfter: 10,
    });
    expect((await s.deliver("carol")).accepted).toBe(true);
    await s.clock.advance(10_000);
    expect((await s.deliver("alice")).accepted).toBe(true);
    expect((await s.inbox.history("alice", undefined, 10)).messages).toHaveLength(4);
  });

  it("a sender's allowance is kept across the room being built again (hibernation), not a fresh burst", async () => {
    const limits = { sender: { perMinute: 6, burst: 3 } };
    const s = await setup({ limits });
    for (let i = 0; i < 3; i++) expect((await s.deliver("alice")).accepted).toBe(true);
    const woken = await setup({ limits, storage: s.storage, clock: s.clock });
    const next = (n: number) =>
      woken.inbox.deliver("alice", { id: `after-wake-${n}`, text: "hi", sentAt: 1 });
    expect(await next(1)).toMatchObject({ accepted: false, reason: "rate_limited" });
    await s.clock.advance(10_000);
    expect((await next(2)).accepted).toBe(true);
  });

  it("the whole inbox has a limit too, and a refused message does not use up the sender's allowance", async () => {
    const s = await setup({ limits: { inbox: { perMinute: 60, burst: 2 } } });
    expect((await s.deliver("alice")).accepted).toBe(true);
    expect((await s.deliver("carol")).accepted).toBe(true);
    expect(await s.deliver("dana")).toMatchObject({ accepted: false, reason: "rate_limited", retryAfter: 1 });
    await s.clock.advance(1_000);
    expect((await s.deliver("dana")).accepted).toBe(true);
  });
});

describe("what people outside my buddy list can leave unread", () => {
  const quota = { perSenderBytes: 10, strangersBytes: 25 };

  it("a stranger at the per-sender quota is refused clearly; a buddy still gets through; reading frees it", async () => {
    const s = await setup({ limits: { quota } });
    s.state.buddies.add("carol");
    expect((await s.deliver("alice", "12345")).accepted).toBe(true);
    expect((await s.deliver("alice", "12345")).accepted).toBe(true);
    expect(await s.deliver("alice", "1")).toEqual({
      accepted: false,
      reason: "inbox_full",
      message: "Not delivered: bob has too many unread messages from you. Try again after they read them.",
    });
    for (let i = 0; i < 5; i++) expect((await s.deliver("carol", "1234567890")).accepted).toBe(true);
    await s.inbox.read("alice", 1);
    expect(s.conversations.meta("alice")).toMatchObject({ unread: 1, unreadBytes: 5 });
    expect((await s.deliver("alice", "12345")).accepted).toBe(true);
  });

  it("all strangers together are bounded, in other words", async () => {
    const s = await setup({ limits: { quota } });
    for (const who of ["alice", "carol"]) expect((await s.deliver(who, "1234567890")).accepted).toBe(true);
    expect(await s.deliver("dana", "123456")).toMatchObject({
      accepted: false,
      reason: "inbox_full",
      message: expect.stringContaining("people not on their buddy list"),
    });
  });

  it("counts bytes, not characters", async () => {
    const s = await setup({ limits: { quota } });
    expect((await s.deliver("alice", "😀😀")).accepted).toBe(true); // 8 bytes
    expect((await s.deliver("alice", "😀")).accepted).toBe(false);
  });
});

describe("reading, and read receipts", () => {
  it("reading clears unread on every tab and tells the sender which of their messages I read", async () => {
    const s = await setup();
    await s.deliver("alice", "one");
    await s.deliver("alice", "two");
    await s.deliver("alice", "three");
    await s.inbox.read("alice", 2);
    expect(s.out.args("read")).toEqual([["alice", 2, 1]]);
    await settle();
    expect(receiptIds(s, "alice")).toEqual(["alice-1-0000000000", "alice-2-0000000000"]);
    await s.inbox.read("alice", 2); // nothing new
    await s.inbox.read("alice", 99); // up to the last there is
    await settle();
    expect(s.out.args("read").at(-1)).toEqual(["alice", 3, 0]);
    expect(receiptIds(s, "alice")).toHaveLength(3);
  });

  it("without read receipts the sender never learns it, not even later", async () => {
    const s = await setup({ rules: { readReceipts: false } });
    await s.deliver("alice");
    await s.inbox.read("alice", 1);
    s.state.rules = { ...s.state.rules, readReceipts: true };
    await s.inbox.releaseHeldReceipts();
    await settle();
    expect(s.rooms.callsTo("/rc/receipt")).toEqual([]);
  });

  it.each([
    { case: "sees me CLOSED (polite block, invisible)", seen: "closed" as const },
    { case: "may not see me at all", seen: null },
  ])("for someone who $case, receipts are held, and go out once they may see me OPEN", async ({ seen }) => {
    const s = await setup();
    s.state.seenBy.set("alice", seen);
    await s.deliver("alice", "one");
    await s.deliver("alice", "two");
    await s.inbox.read("alice", 2);
    await s.inbox.releaseHeldReceipts(); // nothing changed: still held
    await settle();
    expect(s.rooms.callsTo("/rc/receipt")).toEqual([]);
    expect(s.conversations.meta("alice")).toMatchObject({ readUpTo: 2, receiptsUpTo: 0 });

    s.state.seenBy.set("alice", "open");
    await s.inbox.releaseHeldReceipts();
    await settle();
    expect(receiptIds(s, "alice")).toEqual(["alice-1-0000000000", "alice-2-0000000000"]);
    await s.inbox.releaseHeldReceipts(); // never twice
    await settle();
    expect(receiptIds(s, "alice")).toHaveLength(2);
  });

  it("a held receipt is kept in storage: a room started again still owes it", async () => {
    const s = await setup();
    s.state.seenBy.set("alice", "closed");
    await s.deliver("alice");
    await s.inbox.read("alice", 1);
    const again = new Conversations(new ConversationStore(s.storage.asStorage()), {
      changed: () => undefined,
    });
    await again.load();
    expect(again.meta("alice")).toMatchObject({ readUpTo: 1, receiptsUpTo: 0, unread: 0, unreadBytes: 0 });
  });

  it("only the peer's own messages are receipted, never mine", async () => {
    const s = await setup();
    await s.deliver("alice", "from alice");
    await s.conversations.append(
      "alice",
      (seq) => ({
        id: "mine-00000000000",
        conversation: "alice",
        from: "bob",
        to: "alice",
        text: "mine",
        sentAt: 0,
        seq,
        state: "delivered",
      }),
      "sent",
    );
    await s.deliver("alice", "again");
    await s.inbox.read("alice", 3);
    await settle();
    expect(receiptIds(s, "alice")).toEqual(["alice-1-0000000000", "alice-2-0000000000"]);
  });
});

describe("typing", () => {
  it("notices to me are shown only from someone my rules accept", async () => {
    const s = await setup();
    s.state.blocked.add("mallory");
    s.inbox.typing("mallory", true);
    s.inbox.typing("alice", true);
    expect(s.out.args("typing")).toEqual([["alice", true]]);
  });

  it.each([
    { seen: "open" as const, told: true },
    { seen: "closed" as const, told: false },
    { seen: null, told: false },
  ])("my typing reaches someone who sees me $seen: $told", async ({ seen, told }) => {
    const s = await setup();
    s.state.seenBy.set("alice", seen);
    s.inbox.typingTo("alice", true);
    s.inbox.typingTo("bob", true); // myself: never
    await settle();
    expect(s.rooms.callsTo("/rc/typing")).toEqual(
      told ? [{ to: "alice", path: "/rc/typing", payload: { typing: true } }] : [],
    );
  });
});

describe("history and deleting", () => {
  it("pages newest first by key ranges", async () => {
    const s = await setup({ limits: { sender: { perMinute: 60, burst: 20 } } });
    for (let i = 1; i <= 7; i++) await s.deliver("alice", `m${i}`);
    const page1 = await s.inbox.history("alice", undefined, 3);
    expect(page1.messages.map((m) => m.text)).toEqual(["m7", "m6", "m5"]);
    const page2 = await s.inbox.history("alice", page1.before, 3);
    expect(page2.messages.map((m) => m.text)).toEqual(["m4", "m3", "m2"]);
    const page3 = await s.inbox.history("alice", page2.before, 3);
    expect(page3).toEqual({ messages: [expect.objectContaining({ text: "m1" })] });
  });

  it("deleting the last message shows the one before; deleting a conversation forgets it", async () => {
    const s = await setup();
    for (let i = 1; i <= 3; i++) await s.deliver("alice", `m${i}`);
    await s.inbox.deleteMessage("alice", 3);
    expect(s.out.args("deleted")).toEqual([["alice", 3]]);
    expect(s.conversations.meta("alice")).toMatchObject({ unread: 2, unreadBytes: 4, last: { text: "m2" } });
    await expect(s.inbox.deleteMessage("alice", 3)).rejects.toBeInstanceOf(Refusal);
    await s.inbox.deleteConversation("alice");
    expect(s.out.args("conversationDeleted")).toEqual([["alice"]]);
    expect(s.conversations.has("alice")).toBe(false);
    expect([...s.storage.dump().keys()].filter((k) => k.includes("alice"))).toEqual([]);
    await expect(s.inbox.deleteConversation("alice")).rejects.toMatchObject({ code: "not_found" });
    // A late resend of a deleted message is not brought back... as its ids went with it, it is new.
    expect((await s.deliver("alice", "after")).accepted).toBe(true);
    expect(s.conversations.meta("alice").lastSeq).toBe(1);
  });
});
