import { randomUUID } from "node:crypto";
import { FRAME_RATE } from "@pim/model";
import type {
  AccessRule,
  ConversationSummary,
  DeliveryRules,
  HistoryPage,
  MessageAck,
  StoredMessage,
} from "@pim/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, roomApi, type Session, signIn, signUp, type TestSocket } from "./harness/client.ts";
import { startServer, type TestServer } from "./harness/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.dispose();
});

const api = (session: Session, on = server) => roomApi(on, session);
const newId = () => randomUUID();

function sendFrame(socket: TestSocket, to: Session, text: string, id = newId()) {
  socket.send({ type: "message.send", id, to: to.handle, text });
  return id;
}

async function send(socket: TestSocket, to: Session, text: string, id = newId()): Promise<MessageAck> {
  sendFrame(socket, to, text, id);
  return socket.next("message.ack", (m) => m.id === id);
}

async function history(session: Session, peer: Session, on = server): Promise<StoredMessage[]> {
  const all: StoredMessage[] = [];
  let before: number | undefined;
  do {
    const page = await api(session, on).json<HistoryPage>(
      `/conversations/${peer.handle}/messages?limit=200${before ? `&before=${before}` : ""}`,
    );
    all.push(...page.messages);
    before = page.before;
  } while (before !== undefined);
  return all.reverse();
}

async function setDelivery(session: Session, rules: Partial<DeliveryRules>) {
  const current = await api(session).json<{ delivery: DeliveryRules }>("/privacy");
  const response = await api(session).put("/privacy/delivery", { ...current.delivery, ...rules });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** The presentity's access rules give `watcher` this rule (everyone else: the default, "ask me"). */
async function letSee(presentity: Session, watcher: Session, rule: AccessRule) {
  const response = await api(presentity).put("/privacy/rules", {
    default: { action: "confirm", show: "lastSeen" },
    people: { [watcher.handle]: rule },
    groups: [],
    refuseAnonymous: false,
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

describe("delivery across rooms", () => {
  it("Alice's message reaches Bob's tabs, is acknowledged as delivered, and shows on Alice's other tab", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const aliceTab = await connect(server, alice);
    const aliceOtherTab = await connect(server, alice);
    const bobTab = await connect(server, bob);

    const ack = await send(aliceTab, bob, "hello <b>Bob</b>");
    expect(ack).toMatchObject({ state: "delivered" });
    const received = await bobTab.next("message.stored", (m) => m.message.id === ack.id);
    expect(received.message).toMatchObject({
      from: alice.handle,
      to: bob.handle,
      text: "hello <b>Bob</b>",
      seq: 1,
    });
    await aliceOtherTab.next(
      "message.stored",
      (m) => m.message.id === ack.id && m.message.state === "delivered",
    );

    const [conversation] = (await api(bob).json<{ conversations: ConversationSummary[] }>("/conversations"))
      .conversations;
    expect(conversation).toMatchObject({ with: alice.handle, unread: 1, last: { id: ack.id } });
    for (const tab of [aliceTab, aliceOtherTab, bobTab]) tab.close();
  });

  it("a message to a CLOSED Bob waits in his inbox for his next sign-in", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const aliceTab = await connect(server, alice);
    expect(await send(aliceTab, bob, "are you there?")).toMatchObject({ state: "delivered" });
    const later = await signIn(server, bob.handle);
    expect((await history(later, alice)).map((m) => m.text)).toEqual(["are you there?"]);
    aliceTab.close();
  });

  it("reading on one tab clears unread on every tab and tells the sender", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const aliceTab = await connect(server, alice);
    const bobTab = await connect(server, bob);
    const bobOtherTab = await connect(server, bob);
    await letSee(bob, alice, { action: "allow", show: "status" }); // a receipt says "online now"
    const first = await send(aliceTab, bob, "one");
    const second = await send(aliceTab, bob, "two");
    bobTab.send({ type: "message.read", conversation: alice.handle, upToSeq: 2 });
    await bobOtherTab.next("conversation.read", (m) => m.conversation === alice.handle && m.unread === 0);
    for (const { id } of [first, second]) {
      await aliceTab.next("message.stored", (m) => m.message.id === id && m.message.state === "read");
    }
    for (const tab of [aliceTab, bobTab, bobOtherTab]) tab.close();
  });

  it("without read receipts the sender never learns a message was read", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    await setDelivery(bob, { readReceipts: false });
    const aliceTab = await connect(server, alice);
    const bobTab = await connect(server, bob);
    const ack = await send(aliceTab, bob, "secretly read");
    bobTab.send({ type: "message.read", conversation: alice.handle, upToSeq: 1 });
    await bobTab.next("conversation.read");
    await aliceTab.expectNone(
      (m) => m.type === "message.stored" && m.message.state === "read",
      500,
      "a receipt",
    );
    expect((await history(alice, bob))[0]).toMatchObject({ id: ack.id, state: "delivered" });
    aliceTab.close();
    bobTab.close();
  });

  it("history pages by key ranges, deleting a message and a conversation", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const aliceTab = await connect(server, alice);
    for (let i = 1; i <= 7; i++) await send(aliceTab, bob, `m${i}`);
    const page1 = await api(bob).json<HistoryPage>(`/conversations/${alice.handle}/messages?limit=3`);
    expect(page1.messages.map((m) => m.text)).toEqual(["m7", "m6", "m5"]);
    const page2 = await api(bob).json<HistoryPage>(
      `/conversations/${alice.handle}/messages?limit=3&before=${page1.before}`,
    );
    expect(page2.messages.map((m) => m.text)).toEqual(["m4", "m3", "m2"]);
    const page3 = await api(bob).json<HistoryPage>(
      `/conversations/${alice.handle}/messages?limit=3&before=${page2.before}`,
    );
    expect(page3).toEqual({ messages: [expect.objectContaining({ text: "m1" })] });

    expect((await api(bob).delete(`/conversations/${alice.handle}/messages/7`)).status).toBe(200);
    const [summary] = (await api(bob).json<{ conversations: ConversationSummary[] }>("/conversations"))
      .conversations;
    expect(summary).toMatchObject({ last: { text: "m6" }, unread: 6 });
    expect((await history(alice, bob)).length).toBe(7); // Alice's copy is hers
    expect((await api(bob).delete(`/conversations/${alice.handle}`)).status).toBe(200);
    expect((await api(bob).json<{ conversations: unknown[] }>("/conversations")).conversations).toEqual([]);
    expect(await history(bob, alice)).toEqual([]);
    aliceTab.close();
  });

  it("typing notices reach the other side's open tabs, but never from someone they refuse", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const mallory = await signUp(server);
    await api(bob).post("/blocklist", { handle: mallory.handle });
    // Both may show bob they are online (typing says so): bob's own rules are what is tested.
    await letSee(alice, bob, { action: "allow", show: "status" });
    await letSee(mallory, bob, { action: "allow", show: "status" });
    const aliceTab = await connect(server, alice);
    const malloryTab = await connect(server, mallory);
    const bobTab = await connect(server, bob);
    malloryTab.send({ type: "typing", to: bob.handle, typing: true });
    aliceTab.send({ type: "typing", to: bob.handle, typing: true });
    await bobTab.next("typing", (m) => m.from === alice.handle && m.typing);
    await bobTab.expectNone((m) => m.type === "typing" && m.from === mallory.handle, 300, "mallory's typing");
    for (const tab of [aliceTab, malloryTab, bobTab]) tab.close();
  });
});

describe("read receipts and typing: only to someone who may see me online now", () => {
  /** Waits until `socket` has this message of mine in the state "read". */
  const readBy = (socket: TestSocket, id: string) =>
    socket.next("message.stored", (m) => m.message.id === id && m.message.state === "read");

  it("a polite-blocked sender's messages stay delivered and no typing reaches them; lifting the block sends the held receipt", async () => {
    const bob = await signUp(server); // online, reads, polite-blocks alice
    const alice = await signUp(server);
    const carol = await signUp(server); // allowed: the control, who does get receipt and typing
    await api(bob).put("/privacy/rules", {
      default: { action: "confirm", show: "lastSeen" },
      people: {
        [alice.handle]: { action: "polite-block", show: "status" },
        [carol.handle]: { action: "allow", show: "status" },
      },
      groups: [],
      refuseAnonymous: false,
    });
    const aliceTab = await connect(server, alice);
    const carolTab = await connect(server, carol);
    const bobTab = await connect(server, bob);
    const fromAlice = await send(aliceTab, bob, "can you see this?");
    const fromCarol = await send(carolTab, bob, "and this?");
    bobTab.send({ type: "message.read", conversation: alice.handle, upToSeq: 1 });
    bobTab.send({ type: "message.read", conversation: carol.handle, upToSeq: 1 });
    bobTab.send({ type: "typing", to: alice.handle, typing: true });
    bobTab.send({ type: "typing", to: carol.handle, typing: true });
    await readBy(carolTab, fromCarol.id);
    await carolTab.next("typing", (m) => m.from === bob.handle && m.typing);
    // What alice would get comes no later than carol's.
    await aliceTab.expectNone(
      (m) =>
        (m.type === "typing" && m.from === bob.handle) ||
        (m.type === "message.stored" && m.message.state === "read"),
      300,
      "a signal of bob's activity",
    );
    expect((await history(alice, bob))[0]).toMatchObject({ id: fromAlice.id, state: "delivered" });

    await letSee(bob, alice, { action: "allow", show: "status" }); // the block is lifted
    await readBy(aliceTab, fromAlice.id);
    bobTab.send({ type: "typing", to: alice.handle, typing: true });
    await aliceTab.next("typing", (m) => m.from === bob.handle && m.typing);
    for (const tab of [aliceTab, carolTab, bobTab]) tab.close();
  });

  it("while invisible nothing tells a sender I read them or type; turning visible sends the held receipt", async () => {
    const bob = await signUp(server);
    const alice = await signUp(server);
    await letSee(bob, alice, { action: "allow", show: "status" });
    const aliceTab = await connect(server, alice);
    const bobTab = await connect(server, bob);
    expect((await api(bob).post("/presence", { invisible: true })).status).toBe(200);
    const first = await send(aliceTab, bob, "hiding?");
    const second = await send(aliceTab, bob, "still hiding?");
    bobTab.send({ type: "message.read", conversation: alice.handle, upToSeq: 2 });
    await bobTab.next("conversation.read", (m) => m.conversation === alice.handle && m.unread === 0);
    bobTab.send({ type: "typing", to: alice.handle, typing: true });
    await aliceTab.expectNone((m) => m.type === "typing" && m.from === bob.handle, 300, "bob's typing");
    expect((await history(alice, bob)).map((m) => m.state)).toEqual(["delivered", "delivered"]);

    expect((await api(bob).post("/presence", { invisible: false })).status).toBe(200);
    await readBy(aliceTab, first.id);
    await readBy(aliceTab, second.id);
    for (const tab of [aliceTab, bobTab]) tab.close();
  });

  it("someone who may not see my presence at all gets receipts only once I let them see me", async () => {
    const bob = await signUp(server);
    const alice = await signUp(server); // asks to watch bob: pending, sees nothing
    const aliceTab = await connect(server, alice);
    const bobTab = await connect(server, bob);
    const ack = await send(aliceTab, bob, "hello stranger");
    bobTab.send({ type: "message.read", conversation: alice.handle, upToSeq: 1 });
    await bobTab.next("conversation.read", (m) => m.conversation === alice.handle);
    await aliceTab.expectNone(
      (m) => m.type === "message.stored" && m.message.state === "read",
      300,
      "a receipt",
    );
    expect((await history(alice, bob))[0]).toMatchObject({ id: ack.id, state: "delivered" });
    await letSee(bob, alice, { action: "allow", show: "status" });
    await readBy(aliceTab, ack.id);
    for (const tab of [aliceTab, bobTab]) tab.close();
  });
});

describe("delivery rules, in the recipient's room", () => {
  const NOT_ACCEPTING = "This person is not accepting messages from you.";

  it.each([
    {
      case: "a blocked sender",
      setup: async (bob: Session, alice: Session) =>
        void (await api(bob).post("/blocklist", { handle: alice.handle })),
    },
    {
      case: "buddies only, from a stranger",
      setup: (bob: Session) => setDelivery(bob, { whoMayWrite: "buddies" }),
    },
    { case: "nobody", setup: (bob: Session) => setDelivery(bob, { whoMayWrite: "nobody" }) },
  ])("$case: not delivered, in words that do not reveal a block", async ({ setup }) => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    await setup(bob, alice);
    const aliceTab = await connect(server, alice);
    expect(await api(alice).json(`/conversations/${bob.handle}/deliverable`)).toEqual({
      accepting: false,
      message: NOT_ACCEPTING,
    });
    expect(await send(aliceTab, bob, "hi")).toMatchObject({ state: "failed", reason: NOT_ACCEPTING });
    expect(await history(bob, alice)).toEqual([]);
    expect((await history(alice, bob))[0]).toMatchObject({ state: "failed", reason: NOT_ACCEPTING });
    aliceTab.close();
  });

  it("buddies only lets a buddy through", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    await setDelivery(bob, { whoMayWrite: "buddies" });
    await api(bob).post("/buddies", { handle: alice.handle });
    const aliceTab = await connect(server, alice);
    expect(await send(aliceTab, bob, "hi buddy")).toMatchObject({ state: "delivered" });
    aliceTab.close();
  });

  it("refusing while CLOSED: the sender is told before sending, and the message is not delivered", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    await setDelivery(bob, { whileClosed: "refuse" });
    await letSee(bob, alice, { action: "allow", show: "status" });
    const aliceTab = await connect(server, alice);
    const before = await api(alice).json<{ accepting: boolean; message: string }>(
      `/conversations/${bob.handle}/deliverable`,
    );
    expect(before).toMatchObject({ accepting: false, message: expect.stringContaining("signed out") });
    expect(await send(aliceTab, bob, "hello?")).toMatchObject({ state: "failed", reason: before.message });
    const bobTab = await connect(server, bob);
    expect(await api(alice).json(`/conversations/${bob.handle}/deliverable`)).toEqual({ accepting: true });
    expect(await send(aliceTab, bob, "now?")).toMatchObject({ state: "delivered" });
    aliceTab.close();
    bobTab.close();
  });

  it("refusing while CLOSED tells no one more than my access rules let them see", async () => {
    const bob = await signUp(server); // refuses while signed out; online throughout
    const polite = await signUp(server); // bob polite-blocks: must see bob as signed out
    const stranger = await signUp(server); // may not see bob at all ("ask me", not answered)
    await setDelivery(bob, { whileClosed: "refuse" });
    await letSee(bob, polite, { action: "polite-block", show: "lastSeen" });
    const deliverable = (who: Session) =>
      api(who).json<{ accepting: boolean; message?: string }>(`/conversations/${bob.handle}/deliverable`);

    const offline = { polite: await deliverable(polite), stranger: await deliverable(stranger) };
    const bobTab = await connect(server, bob);
    const online = { polite: await deliverable(polite), stranger: await deliverable(stranger) };
    // The same answers whether bob is signed in or not: neither learns it from the rule.
    expect(online).toEqual(offline);
    expect(online.polite).toMatchObject({ accepting: false, message: expect.stringContaining("signed out") });
    expect(online.stranger).toEqual({ accepting: true });

    const politeTab = await connect(server, polite);
    const strangerTab = await connect(server, stranger);
    expect(await send(politeTab, bob, "are you there?")).toMatchObject({
      state: "failed",
      reason: online.polite.message,
    });
    const kept = await send(strangerTab, bob, "hello from a stranger");
    expect(kept).toMatchObject({ state: "delivered" });
    await bobTab.next("message.stored", (m) => m.message.id === kept.id);
    for (const tab of [bobTab, politeTab, strangerTab]) tab.close();
  });

  it("do not disturb: accepted silently, except for people who always get through", async () => {
    const alice = await signUp(server);
    const carol = await signUp(server);
    const bob = await signUp(server);
    await setDelivery(bob, { alwaysThrough: [carol.handle] });
    const bobTab = await connect(server, bob);
    await api(bob).post("/presence", { availability: "dnd" });
    const aliceTab = await connect(server, alice);
    const carolTab = await connect(server, carol);
    const fromAlice = await send(aliceTab, bob, "quiet please");
    const fromCarol = await send(carolTab, bob, "urgent");
    expect((await bobTab.next("message.stored", (m) => m.message.id === fromAlice.id)).message.silent).toBe(
      true,
    );
    expect(
      (await bobTab.next("message.stored", (m) => m.message.id === fromCarol.id)).message.silent,
    ).toBeUndefined();
    for (const tab of [aliceTab, carolTab, bobTab]) tab.close();
  });

  it("rate limits one sender with a clear error and keeps serving others", async () => {
    const alice = await signUp(server);
    const carol = await signUp(server);
    const bob = await signUp(server);
    const aliceTab = await connect(server, alice);
    const ids = Array.from({ length: 12 }, (_, i) => sendFrame(aliceTab, bob, `flood ${i}`));
    const acks = await Promise.all(ids.map((id) => aliceTab.next("message.ack", (m) => m.id === id)));
    expect(acks.slice(0, 10).every((a) => a.state === "delivered")).toBe(true);
    expect(acks[11]).toMatchObject({
      state: "failed",
      reason: expect.stringMatching(/too fast.*Try again in \d+ seconds?/),
    });
    const carolTab = await connect(server, carol);
    expect(await send(carolTab, bob, "I am not flooding")).toMatchObject({ state: "delivered" });
    expect((await history(bob, alice)).length).toBe(10);
    aliceTab.close();
    carolTab.close();
  });
});

describe("what people outside my buddy list can leave unread in my inbox is bounded", () => {
  const BIG = "😀".repeat(4000); // 16,000 bytes: the largest message there is

  it("a stranger at the per-sender quota is refused clearly, a buddy still gets through, and reading frees it", async () => {
    const bob = await signUp(server);
    const stranger = await signUp(server);
    const buddy = await signUp(server);
    await api(bob).post("/buddies", { handle: buddy.handle });
    const strangerTab = await connect(server, stranger);
    const buddyTab = await connect(server, buddy);
    const bobTab = await connect(server, bob);
    for (let i = 0; i < 4; i++)
      expect(await send(strangerTab, bob, BIG)).toMatchObject({ state: "delivered" });
    const refused = await send(strangerTab, bob, BIG);
    expect(refused).toMatchObject({
      state: "failed",
      reason: `Not delivered: ${bob.handle} has too many unread messages from you. Try again after they read them.`,
    });
    for (let i = 0; i < 5; i++) expect(await send(buddyTab, bob, BIG)).toMatchObject({ state: "delivered" });
    expect((await history(bob, stranger)).length).toBe(4);

    bobTab.send({ type: "message.read", conversation: stranger.handle, upToSeq: 4 });
    await bobTab.next("conversation.read", (m) => m.conversation === stranger.handle && m.unread === 0);
    expect(await send(strangerTab, bob, BIG)).toMatchObject({ state: "delivered" });
    for (const tab of [strangerTab, buddyTab, bobTab]) tab.close();
  });

  it("the conversation list keeps a short preview of the last message, not all of it", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const aliceTab = await connect(server, alice);
    const long = `${"a".repeat(200)} the end`;
    const ack = await send(aliceTab, bob, long);
    const [summary] = (await api(bob).json<{ conversations: ConversationSummary[] }>("/conversations"))
      .conversations;
    expect(summary?.last?.id).toBe(ack.id);
    expect([...(summary?.last?.text ?? "")].length).toBeLessThanOrEqual(141);
    expect(long.startsWith((summary?.last?.text ?? "").replace(/…$/, ""))).toBe(true);
    const [mine] = (await api(alice).json<{ conversations: ConversationSummary[] }>("/conversations"))
      .conversations;
    expect([...(mine?.last?.text ?? "")].length).toBeLessThanOrEqual(141);
    expect((await history(bob, alice))[0]?.text).toBe(long); // the message itself is whole
    aliceTab.close();
  });
});

describe("nothing lost, nothing doubled", () => {
  it("a resend after a dropped socket is stored once", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const first = await connect(server, alice);
    const id = sendFrame(first, bob, "only once");
    first.ws.terminate(); // dropped before (or while) the acknowledgement comes
    const second = await connect(server, alice);
    expect(await send(second, bob, "only once", id)).toMatchObject({ id, state: "delivered" });
    expect(await send(second, bob, "only once", id)).toMatchObject({ id, state: "delivered" });
    expect((await history(bob, alice)).map((m) => m.id)).toEqual([id]);
    expect((await history(alice, bob)).map((m) => m.id)).toEqual([id]);
    second.close();
  });

  it.each([
    {
      case: "an empty message",
      frame: (to: string) => ({ type: "message.send", id: newId(), to, text: "   " }),
      code: "invalid",
    },
    {
      case: "4,001 characters",
      frame: (to: string) => ({ type: "message.send", id: newId(), to, text: "x".repeat(4001) }),
      code: "invalid",
    },
    {
      case: "a malformed id",
      frame: (to: string) => ({ type: "message.send", id: "no", to, text: "hi" }),
      code: "invalid",
    },
    {
      case: "a forged sender field",
      frame: (to: string) => ({ type: "message.send", id: newId(), to, text: "hi", from: "x" }),
      code: "invalid",
    },
    { case: "broken JSON", frame: () => '{"type":"message.send",', code: "bad_json" },
  ])("$case: a clear error, nothing stored", async ({ frame, code }) => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const aliceTab = await connect(server, alice);
    aliceTab.send(frame(bob.handle));
    expect((await aliceTab.next("error")).code).toBe(code);
    expect((await api(alice).json<{ conversations: unknown[] }>("/conversations")).conversations).toEqual([]);
    expect((await api(bob).json<{ conversations: unknown[] }>("/conversations")).conversations).toEqual([]);
    expect(await send(aliceTab, bob, "still served")).toMatchObject({ state: "delivered" });
    aliceTab.close();
  });

  it("a socket that floods is refused frame by frame, and everyone else is served", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const flooder = await connect(server, alice);
    const started = performance.now();
    for (let i = 0; i < 300; i++) flooder.send({ type: "ping", id: `p${i}` });
    const refused = await flooder.next("error", (m) => m.code === "rate_limited");
    expect(refused.message).toMatch(/slow down/i);
    // Every frame is answered, served or refused: the deployed limit (this server keeps it) serves
    // a burst, then only what refilled while the flood lasted.
    const pongs = () => flooder.messages.filter((m) => m.type === "pong").length;
    const refusals = () =>
      flooder.messages.filter((m) => m.type === "error" && m.code === "rate_limited").length;
    await expect.poll(() => pongs() + refusals(), { timeout: 10_000 }).toBe(300);
    const refilled = ((performance.now() - started) / 60_000) * FRAME_RATE.perMinute;
    expect(pongs()).toBeGreaterThanOrEqual(FRAME_RATE.burst);
    expect(pongs()).toBeLessThanOrEqual(FRAME_RATE.burst + Math.ceil(refilled));
    const bobTab = await connect(server, bob);
    bobTab.send({ type: "ping", id: "still-here" });
    await bobTab.next("pong", (m) => m.id === "still-here");
    flooder.close();
    bobTab.close();
  });

  it("unknown recipients and messages to yourself are refused, nothing stored", async () => {
    const alice = await signUp(server);
    const aliceTab = await connect(server, alice);
    expect(await send(aliceTab, { handle: "nobody-at-all-9" } as Session, "hello?")).toMatchObject({
      state: "failed",
      reason: "No one has the handle nobody-at-all-9.",
    });
    expect(await send(aliceTab, alice, "note to self")).toMatchObject({
      state: "failed",
      reason: expect.stringContaining("yourself"),
    });
    expect((await api(alice).json<{ conversations: unknown[] }>("/conversations")).conversations).toEqual([]);
    aliceTab.close();
  });
});

describe("a crash with 200 messages in flight", () => {
  let crashy: TestServer;
  beforeAll(async () => {
    crashy = await startServer({
      vars: {
        SENDER_RATE_PER_MINUTE: "100000",
        SENDER_RATE_BURST: "1000",
        INBOX_RATE_PER_MINUTE: "100000",
        INBOX_RATE_BURST: "1000",
      },
    });
  });
  afterAll(async () => {
    await crashy?.dispose();
  });

  it("every acknowledged message is in the inbox once and in order; the rest are delivered once after resend or reported failed", async () => {
    const alice = await signUp(crashy);
    const bob = await signUp(crashy);
    const tab = await connect(crashy, alice);
    const ids = Array.from({ length: 200 }, () => newId());
    const acked = new Map<string, MessageAck>();
    tab.listeners.add((m) => {
      if (m.type === "message.ack") acked.set(m.id, m);
    });
    for (const [i, id] of ids.entries()) sendFrame(tab, bob, `message ${i}`, id);
    await expect.poll(() => acked.size, { timeout: 20_000, interval: 5 }).toBeGreaterThanOrEqual(20);
    await crashy.stop("SIGKILL");
    const ackedBeforeCrash = new Map(acked);
    expect(ackedBeforeCrash.size).toBeLessThan(200); // the crash really caught messages in flight
    await crashy.restart();

    // The client resends everything it holds unacknowledged, in order, on its new socket.
    const again = await connect(crashy, alice);
    const unacked = ids.filter((id) => !ackedBeforeCrash.has(id));
    const resent = new Map<string, MessageAck>();
    again.listeners.add((m) => {
      if (m.type === "message.ack") resent.set(m.id, m);
    });
    for (const id of unacked) sendFrame(again, bob, `message ${ids.indexOf(id)}`, id);
    await expect.poll(() => resent.size, { timeout: 30_000, interval: 20 }).toBe(unacked.length);

    const inbox = await history(bob, alice, crashy);
    const inboxIds = inbox.map((m) => m.id);
    expect(new Set(inboxIds).size).toBe(inboxIds.length); // nothing doubled
    for (const [id, ack] of ackedBeforeCrash) {
      if (ack.state === "delivered") expect(inboxIds).toContain(id);
    }
    for (const id of unacked) {
      const ack = resent.get(id);
      if (ack?.state === "delivered") expect(inboxIds.filter((x) => x === id)).toHaveLength(1);
      else expect(ack?.state).toBe("failed");
    }
    // In the order they were sent.
    expect(inboxIds).toEqual(ids.filter((id) => inboxIds.includes(id)));
    again.close();
  });
});
