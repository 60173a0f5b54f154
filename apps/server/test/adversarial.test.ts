/**
 * The adversarial suite, part 1: people with an account trying every channel by which
 * information leaves a presentity's room (SECURITY.md lists them): fetch (JSON and PIDF),
 * subscribe and the notifications after it, the buddy list sent on reconnect, message outcomes
 * and the "deliverable" pre-check, read receipts, typing, error bodies and rate-limit answers.
 * A polite-blocked watcher must not tell the presentity from someone truly signed out; a
 * stranger and a blocked person learn nothing the rules hide. Part 2: adversarial-identity.test.ts.
 */
import { randomUUID } from "node:crypto";
import type {
  AccessRule,
  AccessRules,
  Buddy,
  ConversationSummary,
  DeliveryRules,
  HistoryPage,
  MessageAck,
  ServerMessage,
  WatcherInfo,
} from "@pim/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, roomApi, type Session, signUp, type TestSocket } from "./harness/client.ts";
import { SHORT_WAITS, startServer, type TestServer } from "./harness/server.ts";

/** Fetches one watcher may make of one presentity at once before the room answers 429 (new). */
const FETCH_BURST = 6;

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ vars: { FETCH_BURST: String(FETCH_BURST), FETCH_PER_MINUTE: "1" } });
});
afterAll(async () => {
  await server?.dispose();
});

const api = (session: Session) => roomApi(server, session);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Long enough for a held-back notification (the server's coalescing window) and a receipt on its way. */
const PAST_COALESCING = SHORT_WAITS.coalesceWindowMs + 500;
const PIDF = "application/pidf+xml";
/** Words that only a view of someone's presence carries. */
const VIEW_FIELDS = ["status", "availability", "note", "devices", "lastSeen", "contact", "markup"];

function rules(overrides: Partial<AccessRules> = {}): AccessRules {
  return {
    default: { action: "confirm", show: "lastSeen" },
    people: {},
    groups: [],
    refuseAnonymous: false,
    ...overrides,
  };
}

async function ruleFor(presentity: Session, watcher: Session, rule: AccessRule) {
  const response = await api(presentity).put("/privacy/rules", rules({ people: { [watcher.handle]: rule } }));
  expect(response.status, await response.clone().text()).toBe(200);
}

async function setDelivery(session: Session, delivery: Partial<DeliveryRules>) {
  const current = await api(session).json<{ delivery: DeliveryRules }>("/privacy");
  const response = await api(session).put("/privacy/delivery", { ...current.delivery, ...delivery });
  expect(response.status, await response.clone().text()).toBe(200);
}

/**
 * A value as text with one principal's handle and every time written as placeholders, so the
 * answers about two principals compare field by field.
 */
function shape(value: unknown, handle: string): string {
  return (typeof value === "string" ? value : JSON.stringify(value))
    .replaceAll(handle, "<handle>")
    .replace(/\d{13}/g, "<time>")
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<time>");
}

/** Status, content type and body of a FETCH, as the watcher gets it. */
async function fetchAs(watcher: Session, presentity: Session, accept?: string) {
  const response = await api(watcher).get(`/presence/${presentity.handle}`, accept ? { accept } : {});
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    retryAfter: response.headers.get("retry-after"),
    body: await response.text(),
  };
}

async function send(tab: TestSocket, to: Session, text: string): Promise<MessageAck> {
  const id = randomUUID();
  tab.send({ type: "message.send", id, to: to.handle, text });
  return tab.next("message.ack", (m) => m.id === id);
}

async function deliverable(sender: Session, recipient: Session) {
  return api(sender).json<{ accepting: boolean; message?: string }>(
    `/conversations/${recipient.handle}/deliverable`,
  );
}

async function conversationsOf(session: Session): Promise<ConversationSummary[]> {
  return (await api(session).json<{ conversations: ConversationSummary[] }>("/conversations")).conversations;
}

/** Frames a tab received after `from` that say anything about `other`. */
function framesAbout(tab: TestSocket, from: number, other: Session): ServerMessage[] {
  return tab.messages
    .slice(from)
    .filter(
      (m) =>
        (m.type === "buddy.updated" && m.buddy.handle === other.handle) ||
        (m.type === "typing" && m.from === other.handle) ||
        (m.type === "message.stored" &&
          m.message.conversation === other.handle &&
          m.message.state === "read"),
    );
}

function buddyIn(tab: TestSocket, handle: string): Buddy | undefined {
  const lists = tab.messages.filter((m) => m.type === "buddies");
  return lists.at(-1)?.buddies.find((b) => b.handle === handle);
}

describe("a polite-blocked watcher cannot tell the presentity from someone signed out", () => {
  it("on every channel, field by field, against a watcher of a principal who really signed out", async () => {
    const alice = await signUp(server); // online throughout; polite-blocks Bob
    const dana = await signUp(server); // the reference: lets Bob in, then really signs out
    const bob = await signUp(server);
    for (const presentity of [alice, dana]) {
      await ruleFor(presentity, bob, { action: "allow", show: "lastSeen" });
    }
    const aliceTab = await connect(server, alice);
    const danaTab = await connect(server, dana);
    const bobTab = await connect(server, bob);
    for (const presentity of [alice, dana]) {
      expect((await api(bob).post("/buddies", { handle: presentity.handle })).status).toBe(201);
    }

    // The moment: Alice polite-blocks Bob while Dana signs out.
    await ruleFor(alice, bob, { action: "polite-block", show: "lastSeen" });
    danaTab.close();
    const asAlice = await bobTab.next(
      "buddy.updated",
      (m) => m.buddy.handle === alice.handle && m.buddy.view?.status === "closed",
    );
    const asDana = await bobTab.next(
      "buddy.updated",
      (m) => m.buddy.handle === dana.handle && m.buddy.view?.status === "closed",
    );
    expect.soft(shape(asAlice, alice.handle)).toBe(shape(asDana, dana.handle));
    const afterBlock = bobTab.messages.length;

    // Alice goes on with her day: status, note, busy, a conversation with Bob.
    await api(alice).post("/presence", { availability: "busy", note: "lunch with Carol" });
    await api(alice).post("/presence", { availability: "available", note: "back" });
    const toAlice = await send(bobTab, alice, "are you there?");
    const toDana = await send(bobTab, dana, "are you there?");
    expect.soft(shape({ ...toAlice, id: "" }, alice.handle)).toBe(shape({ ...toDana, id: "" }, dana.handle));
    expect(toAlice.state).toBe("delivered");
    await aliceTab.next("message.stored", (m) => m.message.id === toAlice.id);
    aliceTab.send({ type: "typing", to: bob.handle, typing: true });
    aliceTab.send({ type: "message.read", conversation: bob.handle, upToSeq: 1 });
    await aliceTab.next("conversation.read", (m) => m.conversation === bob.handle);

    // Fetch, JSON and PIDF.
    expect
      .soft(shape(await fetchAs(bob, alice), alice.handle))
      .toBe(shape(await fetchAs(bob, dana), dana.handle));
    expect
      .soft(shape(await fetchAs(bob, alice, PIDF), alice.handle))
      .toBe(shape(await fetchAs(bob, dana, PIDF), dana.handle));
    // "Would they accept a message?"
    expect.soft(await deliverable(bob, alice)).toEqual(await deliverable(bob, dana));

    // Nothing after the block: no notification, no typing, no read receipt.
    await sleep(PAST_COALESCING); // past the coalescing window and any receipt on its way
    expect.soft(framesAbout(bobTab, afterBlock, alice)).toEqual([]);
    const [sentToAlice] = (await api(bob).json<HistoryPage>(`/conversations/${alice.handle}/messages`))
      .messages;
    const [sentToDana] = (await api(bob).json<HistoryPage>(`/conversations/${dana.handle}/messages`))
      .messages;
    expect
      .soft(shape({ ...sentToAlice, id: "" }, alice.handle))
      .toBe(shape({ ...sentToDana, id: "" }, dana.handle));

    // The buddy list a new tab is sent (each buddy asked afresh), and a new subscription.
    const bobAgain = await connect(server, bob);
    await bobAgain.next("buddies");
    expect
      .soft(shape(buddyIn(bobAgain, alice.handle), alice.handle))
      .toBe(shape(buddyIn(bobAgain, dana.handle), dana.handle));
    const resubscribe = async (presentity: Session) => {
      expect((await api(bob).delete(`/buddies/${presentity.handle}`)).status).toBe(200);
      const response = await api(bob).post("/buddies", { handle: presentity.handle });
      return shape(
        { status: response.status, body: { ...((await response.json()) as Buddy), since: 0 } },
        presentity.handle,
      );
    };
    expect.soft(await resubscribe(alice)).toBe(await resubscribe(dana));
    for (const tab of [aliceTab, bobTab, bobAgain]) tab.close();
  });
});

describe("a stranger with an account", () => {
  it("is told to wait, with no view in the error; past the rate limit the answer is the same whatever the rules", async () => {
    const stranger = await signUp(server);
    const asks = await signUp(server); // "ask me" (the default)
    const allows = await signUp(server);
    const blocks = await signUp(server);
    const polite = await signUp(server);
    await ruleFor(allows, stranger, { action: "allow", show: "lastSeen" });
    await ruleFor(blocks, stranger, { action: "block", show: "lastSeen" });
    await ruleFor(polite, stranger, { action: "polite-block", show: "lastSeen" });
    const asksTab = await connect(server, asks);
    await api(asks).post("/presence", { availability: "busy", note: "dentist at four" });

    // The stranger asks to watch each of them (so each is asked the same things).
    for (const presentity of [asks, allows, blocks, polite]) {
      const subscribed = await api(stranger).post("/buddies", { handle: presentity.handle });
      expect(subscribed.status).toBe(201);
      if (presentity !== asks) continue;
      const buddy = (await subscribed.json()) as Buddy;
      expect(buddy.state).toBe("pending");
      expect(buddy).not.toHaveProperty("view");
    }

    const first = await fetchAs(stranger, asks);
    expect(first.status).toBe(403);
    const error = JSON.parse(first.body) as Record<string, Record<string, unknown>>;
    expect(Object.keys(error)).toEqual(["error"]);
    for (const field of VIEW_FIELDS) expect(error.error).not.toHaveProperty(field);
    expect(first.body).not.toContain("dentist");

    // The same number of fetches is let through, then the same 429, for every kind of rule.
    const answers = new Map<Session, Awaited<ReturnType<typeof fetchAs>>[]>();
    for (const presentity of [asks, allows, blocks, polite]) {
      const seen = presentity === asks ? [first] : [];
      while (seen.length < FETCH_BURST + 3) seen.push(await fetchAs(stranger, presentity));
      answers.set(presentity, seen);
    }
    const limitedAt = (seen: Awaited<ReturnType<typeof fetchAs>>[]) =>
      seen.findIndex((a) => a.status === 429);
    for (const [presentity, seen] of answers) {
      expect.soft(limitedAt(seen), presentity.handle).toBe(limitedAt(answers.get(asks) ?? []));
      expect.soft(limitedAt(seen), presentity.handle).toBeGreaterThan(0);
      const limited = seen.slice(limitedAt(seen));
      for (const answer of limited) {
        expect(answer.status).toBe(429);
        expect(Number(answer.retryAfter)).toBeGreaterThan(0);
        type Limited = { code: string; retryAfter?: number };
        const body = JSON.parse(answer.body) as { error?: Limited } & Limited;
        const limitedBody = body.error ?? body; // the error body, wherever its fields sit
        expect(limitedBody.code).toBe("rate_limited");
        expect(limitedBody.retryAfter).toBeGreaterThan(0);
        for (const field of VIEW_FIELDS) expect(limitedBody).not.toHaveProperty(field);
      }
    }
    const limitedShape = (presentity: Session) =>
      shape((answers.get(presentity) ?? []).at(-1), presentity.handle).replace(/\d+/g, "<n>");
    for (const presentity of [allows, blocks, polite]) {
      expect(limitedShape(presentity)).toBe(limitedShape(asks));
    }

    // The request to watch and every fetch count in watcher information, over the limit too.
    const watchers = (await api(asks).json<{ watchers: WatcherInfo[] }>("/watchers")).watchers;
    expect(watchers.find((w) => w.handle === stranger.handle)?.counts.hour).toBe(1 + FETCH_BURST + 3);
    asksTab.close();
  });
});

describe("a blocked person", () => {
  it("is refused everywhere in the words anyone refused gets, and learns nothing more", async () => {
    const alice = await signUp(server); // blocks Bob and Ben
    const bob = await signUp(server);
    const ben = await signUp(server); // wrote to Alice before she blocked him
    const rita = await signUp(server); // the reference: accepts messages from nobody
    const carl = await signUp(server); // writes to Rita
    await setDelivery(rita, { whoMayWrite: "nobody" });
    const aliceTab = await connect(server, alice);
    const bobTab = await connect(server, bob);
    const benTab = await connect(server, ben);
    const carlTab = await connect(server, carl);
    const beforeBlock = await send(benTab, alice, "hi Alice");
    expect(beforeBlock.state).toBe("delivered");
    await aliceTab.next("message.stored", (m) => m.message.id === beforeBlock.id);
    for (const who of [bob, ben]) {
      expect((await api(alice).post("/blocklist", { handle: who.handle })).status).toBe(200);
    }
    const fromBen = benTab.messages.length;

    // Presence: fetch and subscription refused, no view anywhere.
    const fetched = await fetchAs(bob, alice);
    expect(fetched.status).toBe(403);
    expect(Object.keys(JSON.parse(fetched.body) as object)).toEqual(["error"]);
    const subscribed = await api(bob).post("/buddies", { handle: alice.handle });
    const buddy = (await subscribed.json()) as Buddy;
    expect(buddy.state).toBe("refused");
    expect(buddy).not.toHaveProperty("view");
    await bobTab.next("buddy.updated", (m) => m.buddy.handle === alice.handle && m.buddy.state === "refused");
    const fromBob = bobTab.messages.length; // from here on, Bob must hear nothing about Alice

    // Messages: the same answer as from someone who accepts no one, before sending and after.
    expect
      .soft(shape(await deliverable(bob, alice), alice.handle))
      .toBe(shape(await deliverable(carl, rita), rita.handle));
    expect((await deliverable(bob, alice)).accepting).toBe(false);
    const refused = await send(bobTab, alice, "please answer");
    const reference = await send(carlTab, rita, "please answer");
    expect(refused.state).toBe("failed");
    expect
      .soft(shape({ ...refused, id: "" }, alice.handle))
      .toBe(shape({ ...reference, id: "" }, rita.handle));
    expect((await conversationsOf(alice)).map((c) => c.with)).toEqual([ben.handle]);

    // Typing either way, and a read receipt for what Ben sent before the block.
    bobTab.send({ type: "typing", to: alice.handle, typing: true });
    aliceTab.send({ type: "typing", to: bob.handle, typing: true });
    aliceTab.send({ type: "typing", to: ben.handle, typing: true });
    aliceTab.send({ type: "message.read", conversation: ben.handle, upToSeq: 1 });
    await aliceTab.next("conversation.read", (m) => m.conversation === ben.handle);
    await api(alice).post("/presence", { availability: "away", note: "gone fishing" });
    await sleep(PAST_COALESCING);
    expect(aliceTab.messages.some((m) => m.type === "typing" && m.from === bob.handle)).toBe(false);
    expect.soft(framesAbout(bobTab, fromBob, alice)).toEqual([]);
    expect.soft(framesAbout(benTab, fromBen, alice)).toEqual([]);
    const [benCopy] = (await api(ben).json<HistoryPage>(`/conversations/${alice.handle}/messages`)).messages;
    expect(benCopy?.state).toBe("delivered");
    for (const tab of [aliceTab, bobTab, benTab, carlTab]) tab.close();
  });
});
