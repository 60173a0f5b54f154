import { DEFAULT_COALESCE_POLICY, PIDF_NAMESPACE } from "@pim/model";
import type { Buddy, PresenceView } from "@pim/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, roomApi, type Session, signUp, type TestSocket } from "./harness/client.ts";
import { SHORT_WAITS, startServer, type TestServer } from "./harness/server.ts";

let server: TestServer;
beforeAll(async () => {
  // The deployed coalescing window: "rapid changes arrive coalesced" needs its ten changes to
  // fall within fewer windows than ten, also on a slow machine.
  server = await startServer({ vars: { COALESCE_WINDOW_MS: String(DEFAULT_COALESCE_POLICY.windowMs) } });
});
afterAll(async () => {
  await server?.dispose();
});

const api = (session: Session) => roomApi(server, session);

/** Bob subscribes to Alice and Alice approves: the usual start of a buddy relationship. */
async function befriend(watcher: Session, presentity: Session) {
  const added = await api(watcher).post("/buddies", { handle: presentity.handle });
  expect(added.status).toBe(201);
  const approved = await api(presentity).post(`/subscribers/${watcher.handle}`, { decision: "approve" });
  expect(approved.status).toBe(200);
}

function buddyUpdate(socket: TestSocket, handle: string, match: (b: Buddy) => boolean) {
  return socket.next("buddy.updated", (m) => m.buddy.handle === handle && match(m.buddy));
}

/** Bob watches Alice, both have a tab open, and Bob's tab has seen her OPEN. */
async function watchingOnline() {
  const alice = await signUp(server);
  const bob = await signUp(server);
  await befriend(bob, alice);
  const aliceTab = await connect(server, alice);
  const bobTab = await connect(server, bob);
  await buddyUpdate(bobTab, alice.handle, (b) => b.view?.status === "open");
  return { alice, bob, aliceTab, bobTab };
}

async function buddiesOf(session: Session): Promise<Buddy[]> {
  const response = await api(session).get("/buddies");
  return ((await response.json()) as { buddies: Buddy[] }).buddies;
}

describe("subscriptions", () => {
  it("subscribe, approve: the subscriber gets the current presence at once", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const aliceTab = await connect(server, alice);
    const bobTab = await connect(server, bob);

    const added = await api(bob).post("/buddies", { handle: alice.handle });
    expect(await added.json()).toMatchObject({ handle: alice.handle, state: "pending" });
    await aliceTab.next(
      "subscriber.updated",
      (m) => m.subscriber.handle === bob.handle && m.subscriber.state === "pending",
    );
    const pending = await (await api(alice).get("/subscribers")).json();
    expect(pending).toMatchObject({ subscribers: [{ handle: bob.handle, state: "pending" }] });

    await api(alice).post(`/subscribers/${bob.handle}`, { decision: "approve" });
    const active = await buddyUpdate(bobTab, alice.handle, (b) => b.state === "active");
    expect(active.buddy.view).toMatchObject({
      handle: alice.handle,
      status: "open",
      availability: "available",
    });
    aliceTab.close();
    bobTab.close();
  });

  it("deny: the watcher sees the request refused and gets no presence", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const bobTab = await connect(server, bob);
    await api(bob).post("/buddies", { handle: alice.handle });
    await api(alice).post(`/subscribers/${bob.handle}`, { decision: "deny" });
    const refused = await buddyUpdate(bobTab, alice.handle, (b) => b.state === "refused");
    expect(refused.buddy.view).toBeUndefined();
    bobTab.close();
  });

  it("remove ends the subscription on both sides; no more notifications", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    await befriend(bob, alice);
    const removed = await api(bob).delete(`/buddies/${alice.handle}`);
    expect(removed.status).toBe(200);
    expect(await buddiesOf(bob)).toEqual([]);
    const subscribers = (await (await api(alice).get("/subscribers")).json()) as {
      subscribers: { state: string }[];
    };
    expect(subscribers.subscribers[0]?.state).toBe("ended");
  });

  it.each([
    { case: "an unknown handle", handle: () => "nobody-at-all", status: 404 },
    { case: "yourself", handle: (me: Session) => me.handle, status: 400 },
    { case: "an invalid handle", handle: () => "no spaces allowed", status: 400 },
  ])("refuses to add $case, changing nothing", async ({ handle, status }) => {
    const me = await signUp(server);
    const response = await api(me).post("/buddies", { handle: handle(me) });
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBeTruthy();
    expect(await buddiesOf(me)).toEqual([]);
  });

  it("refuses a duplicate request", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    await api(bob).post("/buddies", { handle: alice.handle });
    const again = await api(bob).post("/buddies", { handle: alice.handle });
    expect(again.status).toBe(409);
  });
});

describe("notifications", () => {
  it("a status change reaches every socket of every subscriber", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const carol = await signUp(server);
    await befriend(bob, alice);
    await befriend(carol, alice);
    const tabs = [await connect(server, bob), await connect(server, bob), await connect(server, carol)];
    const aliceTab = await connect(server, alice);

    const set = await api(alice).post("/presence", { availability: "busy", note: "writing" });
    expect(set.status).toBe(200);
    for (const tab of tabs) {
      const update = await buddyUpdate(
        tab,
        alice.handle,
        (b) => b.view?.availability === "busy" && b.view?.note === "writing",
      );
      expect(update.buddy.view?.status).toBe("open");
    }
    // The presentity's own tabs see their presence as watchers see it.
    await aliceTab.next("presence.self", (m) => m.presence.view.availability === "busy");
    for (const tab of [...tabs, aliceTab]) tab.close();
  });

  it("rapid changes arrive coalesced, in order, the latest last", async () => {
    const { alice, aliceTab, bobTab } = await watchingOnline();
    const start = bobTab.messages.length;
    for (let i = 0; i < 10; i++) await api(alice).post("/presence", { note: `change ${i}` });
    // That nothing follows the final state is proven with fake time in presentity.test.ts.
    await buddyUpdate(bobTab, alice.handle, (b) => b.view?.note === "change 9");
    const notes = bobTab.messages
      .slice(start)
      .flatMap((m) =>
        m.type === "buddy.updated" && m.buddy.handle === alice.handle ? [m.buddy.view?.note] : [],
      );
    expect(notes.at(-1)).toBe("change 9");
    expect(notes.length).toBeLessThan(10);
    const order = notes.map((n) => Number(n?.split(" ")[1]));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    aliceTab.close();
    bobTab.close();
  });

  it("changes after the rooms' channel was closed idle still reach every subscriber, in order", async () => {
    const { alice, aliceTab, bobTab } = await watchingOnline();
    for (const note of ["before the pause", "after one pause", "after two pauses"]) {
      await api(alice).post("/presence", { note });
      await buddyUpdate(bobTab, alice.handle, (b) => b.view?.note === note);
      // Longer than the channel's idle time (the harness's): the next change opens a new one.
      await new Promise((r) => setTimeout(r, SHORT_WAITS.channelIdleMs * 2));
    }
    // A subscription decision (waits for its reply) on a reopened channel.
    const carol = await signUp(server);
    const carolTab = await connect(server, carol);
    await api(carol).post("/buddies", { handle: alice.handle });
    await new Promise((r) => setTimeout(r, SHORT_WAITS.channelIdleMs * 2));
    await api(alice).post(`/subscribers/${carol.handle}`, { decision: "approve" });
    await buddyUpdate(
      carolTab,
      alice.handle,
      (b) => b.state === "active" && b.view?.note === "after two pauses",
    );
    const notes = bobTab.messages.flatMap((m) =>
      m.type === "buddy.updated" && m.buddy.handle === alice.handle && m.buddy.view?.note
        ? [m.buddy.view.note]
        : [],
    );
    expect(notes).toEqual(["before the pause", "after one pause", "after two pauses"]);
    for (const tab of [aliceTab, bobTab, carolTab]) tab.close();
  });

  it("closing the last tab turns the presentity CLOSED after the grace period, with last seen", async () => {
    const { alice, aliceTab, bobTab } = await watchingOnline();
    const closedAt = Date.now();
    aliceTab.close();
    const closed = await buddyUpdate(bobTab, alice.handle, (b) => b.view?.status === "closed");
    // Not before the grace period (the server's, set by the harness) has passed.
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(SHORT_WAITS.graceMs);
    expect(closed.buddy.view?.lastSeen).toBeGreaterThanOrEqual(closedAt - 1_000);
    bobTab.close();
  });

  it("invisible shows CLOSED to subscribers while the principal keeps using the app", async () => {
    const { alice, aliceTab, bobTab } = await watchingOnline();
    await api(alice).post("/presence", { invisible: true });
    const hidden = await buddyUpdate(bobTab, alice.handle, (b) => b.view?.status === "closed");
    expect(hidden.buddy.view?.note).toBeUndefined();
    aliceTab.send({ type: "ping", id: "still using it" });
    await expect(aliceTab.next("pong")).resolves.toBeTruthy();
    aliceTab.close();
    bobTab.close();
  });

  it("a subscriber that reconnects gets the current state of every buddy", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    await befriend(bob, alice);
    const aliceTab = await connect(server, alice);
    await api(alice).post("/presence", { availability: "away", note: "lunch" });
    const bobTab = await connect(server, bob);
    const snapshot = await bobTab.next("buddies");
    expect(snapshot.buddies).toEqual([
      expect.objectContaining({ handle: alice.handle, view: expect.objectContaining({ note: "lunch" }) }),
    ]);
    aliceTab.close();
    bobTab.close();
  });
});

describe("fetchers and pollers", () => {
  it("a fetch returns presence once, and repeated fetches make a poller in the record", async () => {
    const alice = await signUp(server);
    const carol = await signUp(server);
    await api(alice).put("/privacy/rules", {
      default: { action: "allow", show: "lastSeen" },
      people: {},
      groups: [],
      refuseAnonymous: false,
    });
    for (let i = 0; i < 5; i++) {
      const response = await api(carol).get(`/presence/${alice.handle}`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as PresenceView).handle).toBe(alice.handle);
    }
    const watchers = (await (await api(alice).get("/watchers")).json()) as {
      watchers: { handle: string; kind: string; counts: { hour: number } }[];
    };
    expect(watchers.watchers).toEqual([
      expect.objectContaining({
        handle: carol.handle,
        kind: "poller",
        counts: { hour: 5, day: 5, month: 5 },
      }),
    ]);
  });

  it("serves PIDF when asked, well-formed with the PIDF namespace", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    await befriend(bob, alice);
    const aliceTab = await connect(server, alice);
    await api(alice).post("/presence", { note: "a & b <c>" });
    const response = await api(bob).get(`/presence/${alice.handle}`, { accept: "application/pidf+xml" });
    expect(response.headers.get("content-type")).toContain("application/pidf+xml");
    const xml = await response.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(xml).toContain(`xmlns="${PIDF_NAMESPACE}"`);
    expect(xml).toContain("<basic>open</basic>");
    expect(xml).toContain("<note>a &amp; b &lt;c&gt;</note>");
    expect(wellFormed(xml)).toBe(true);
    aliceTab.close();
  });
});

describe("bad input and limits", () => {
  it.each([
    { case: "a note over 140 characters", body: { note: "x".repeat(141) } },
    { case: "an expiry in the past", body: { note: "soon", noteExpiresAt: 1_000 } },
    { case: "an unknown availability", body: { availability: "sleeping" } },
    {
      case: "markup over its size",
      body: { markup: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, "v".repeat(100)])) },
    },
  ])("refuses $case and changes nothing", async ({ body }) => {
    const alice = await signUp(server);
    const before = await (await api(alice).get("/presence")).json();
    const response = await api(alice).post("/presence", body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBeTruthy();
    expect(await (await api(alice).get("/presence")).json()).toEqual(before);
  });
});

/** A strict enough check that the document is well-formed XML: balanced, properly nested tags. */
function wellFormed(xml: string): boolean {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, "");
  const stack: string[] = [];
  for (const match of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)([^>]*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = match;
    if (selfClosing) continue;
    if (closing) {
      if (stack.pop() !== name) return false;
    } else stack.push(name as string);
  }
  return stack.length === 0 && !/&(?!(amp|lt|gt|quot|apos);)/.test(body);
}
