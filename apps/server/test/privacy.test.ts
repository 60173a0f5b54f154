import type {
  AccessRule,
  AccessRules,
  Buddy,
  PresenceView,
  WatcherInfo,
  WatcherPreview,
} from "@pim/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, roomApi, type Session, signUp, type TestSocket } from "./harness/client.ts";
import { startServer, type TestServer } from "./harness/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.dispose();
});

const api = (session: Session) => roomApi(server, session);

function rules(overrides: Partial<AccessRules> = {}): AccessRules {
  return {
    default: { action: "confirm", show: "lastSeen" },
    people: {},
    groups: [],
    refuseAnonymous: false,
    ...overrides,
  };
}

async function setRules(presentity: Session, value: AccessRules) {
  const response = await api(presentity).put("/privacy/rules", value);
  expect(response.status, await response.clone().text()).toBe(200);
}

async function ruleFor(presentity: Session, watcher: Session, rule: AccessRule) {
  await setRules(presentity, rules({ people: { [watcher.handle]: rule } }));
}

async function subscribe(watcher: Session, presentity: Session): Promise<Buddy> {
  const response = await api(watcher).post("/buddies", { handle: presentity.handle });
  expect(response.status).toBe(201);
  return (await response.json()) as Buddy;
}

function lastBuddy(socket: TestSocket, handle: string): Buddy | undefined {
  const updates = socket.messages.filter(
    (m): m is Extract<typeof m, { type: "buddy.updated" }> =>
      m.type === "buddy.updated" && m.buddy.handle === handle,
  );
  return updates.at(-1)?.buddy;
}

async function watchersOf(presentity: Session): Promise<WatcherInfo[]> {
  return (await api(presentity).json<{ watchers: WatcherInfo[] }>("/watchers")).watchers;
}

describe("each access action, on subscriptions", () => {
  it.each([
    { action: "allow", state: "active", status: "open" },
    { action: "confirm", state: "pending", status: undefined },
    { action: "polite-block", state: "active", status: "closed" },
    { action: "block", state: "refused", status: undefined },
  ] as const)("$action: the subscription is $state", async ({ action, state, status }) => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const aliceTab = await connect(server, alice);
    await ruleFor(alice, bob, { action, show: "lastSeen" });
    const buddy = await subscribe(bob, alice);
    expect(buddy.state).toBe(state);
    expect(buddy.view?.status).toBe(status);
    aliceTab.close();
  });
});

describe("each access action, on fetches", () => {
  it.each([
    { action: "allow", status: 200, presence: "open" },
    { action: "confirm", status: 403, presence: undefined },
    { action: "polite-block", status: 200, presence: "closed" },
    { action: "block", status: 403, presence: undefined },
  ] as const)("$action: answered $status", async ({ action, status, presence }) => {
    const alice = await signUp(server);
    const carol = await signUp(server);
    const aliceTab = await connect(server, alice);
    await ruleFor(alice, carol, { action, show: "lastSeen" });
    const response = await api(carol).get(`/presence/${alice.handle}`);
    expect(response.status).toBe(status);
    const body = (await response.json()) as PresenceView & { error?: { message: string } };
    if (presence) expect(body.status).toBe(presence);
    else expect(body.error?.message).toMatch(alice.handle);
    aliceTab.close();
  });
});

describe("rule changes are re-evaluated at once", () => {
  it("a newly blocked subscriber is refused, a newly polite-blocked one sees CLOSED, an allowed one sees me again", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const carol = await signUp(server);
    const aliceTab = await connect(server, alice);
    await setRules(alice, rules({ default: { action: "allow", show: "lastSeen" } }));
    const bobTab = await connect(server, bob);
    const carolTab = await connect(server, carol);
    expect((await subscribe(bob, alice)).state).toBe("active");
    expect((await subscribe(carol, alice)).state).toBe("active");

    await api(alice).post("/blocklist", { handle: bob.handle });
    await bobTab.next("buddy.updated", (m) => m.buddy.handle === alice.handle && m.buddy.state === "refused");
    expect(lastBuddy(bobTab, alice.handle)?.view).toBeUndefined();

    await ruleFor(alice, carol, { action: "polite-block", show: "lastSeen" });
    await carolTab.next(
      "buddy.updated",
      (m) => m.buddy.handle === alice.handle && m.buddy.view?.status === "closed",
    );
    // Alice's own watcher information says what Carol's "active" means now.
    const [asSeen] = (await watchersOf(alice)).filter((w) => w.handle === carol.handle);
    expect(asSeen).toMatchObject({ state: "active", action: "polite-block" });

    await setRules(alice, rules({ default: { action: "allow", show: "lastSeen" } }));
    await carolTab.next(
      "buddy.updated",
      (m) => m.buddy.handle === alice.handle && m.buddy.view?.status === "open",
    );
    await api(alice).delete(`/blocklist/${bob.handle}`);
    await bobTab.next(
      "buddy.updated",
      (m) => m.buddy.handle === alice.handle && m.buddy.view?.status === "open",
    );
    expect(lastBuddy(bobTab, alice.handle)?.state).toBe("active");
    for (const tab of [aliceTab, bobTab, carolTab]) tab.close();
  });
});

describe("transformations: hidden fields never leave the room", () => {
  it("a note hidden from Bob is in no socket frame, fetch or PIDF he receives, and the preview agrees", async () => {
    const secret = "dentist at four";
    const alice = await signUp(server);
    const bob = await signUp(server);
    const aliceTab = await connect(server, alice);
    await ruleFor(alice, bob, { action: "allow", show: "availability" });
    const bobTab = await connect(server, bob);
    await subscribe(bob, alice);
    await api(alice).post("/presence", { availability: "busy", note: secret, markup: { secret } });
    await bobTab.next("buddy.updated", (m) => m.buddy.view?.availability === "busy");

    const fetched = await (await api(bob).get(`/presence/${alice.handle}`)).text();
    const pidf = await (
      await api(bob).get(`/presence/${alice.handle}`, { accept: "application/pidf+xml" })
    ).text();
    // Every frame Bob's tab got about Alice (his own presence frames carry his own devices).
    const frames = JSON.stringify(
      bobTab.messages.filter(
        (m) => m.type === "buddies" || (m.type === "buddy.updated" && m.buddy.handle === alice.handle),
      ),
    );
    for (const payload of [fetched, pidf, frames]) {
      expect(payload).not.toContain(secret);
      expect(payload).not.toContain("devices");
      expect(payload).not.toContain("lastSeen");
    }
    expect(JSON.parse(fetched)).toEqual({
      handle: alice.handle,
      status: "open",
      availability: "busy",
      contact: `im:${alice.handle}`,
    });

    const preview = await api(alice).json<WatcherPreview>(`/privacy/preview/${bob.handle}`);
    expect(preview).toMatchObject({
      watcher: bob.handle,
      decision: { action: "allow", show: "availability", because: "person" },
    });
    expect(preview.view).toEqual(JSON.parse(fetched));
    aliceTab.close();
    bobTab.close();
  });
});

describe("watcher information", () => {
  it("records subscribers, fetchers and pollers with counts, live to the presentity's tabs", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const carol = await signUp(server);
    const dave = await signUp(server);
    await setRules(alice, rules({ default: { action: "allow", show: "lastSeen" } }));
    const aliceTab = await connect(server, alice);
    await subscribe(bob, alice);
    await api(carol).get(`/presence/${alice.handle}`);
    for (let i = 0; i < 5; i++) await api(dave).get(`/presence/${alice.handle}`);
    await aliceTab.next(
      "watcher.updated",
      (m) => m.watcher.handle === dave.handle && m.watcher.counts.hour === 5,
    );

    const watchers = await watchersOf(alice);
    const byHandle = new Map(watchers.map((w) => [w.handle, w]));
    expect(byHandle.get(bob.handle)).toMatchObject({
      kind: "subscriber",
      state: "active",
      counts: { hour: 1 },
    });
    expect(byHandle.get(carol.handle)).toMatchObject({
      kind: "fetcher",
      state: "active",
      counts: { hour: 1, day: 1, month: 1 },
    });
    expect(byHandle.get(dave.handle)).toMatchObject({
      kind: "poller",
      counts: { hour: 5, day: 5, month: 5 },
      flagged: false,
    });
    aliceTab.close();
  });

  it("a pending fetcher can be approved from watcher information", async () => {
    const alice = await signUp(server);
    const carol = await signUp(server);
    expect((await api(carol).get(`/presence/${alice.handle}`)).status).toBe(403);
    expect((await watchersOf(alice))[0]).toMatchObject({
      handle: carol.handle,
      state: "pending",
      kind: "fetcher",
    });
    expect((await api(alice).post(`/subscribers/${carol.handle}`, { decision: "approve" })).status).toBe(200);
    expect((await api(carol).get(`/presence/${alice.handle}`)).status).toBe(200);
  });
});

describe("visibility rules: anonymous watchers", () => {
  it("an anonymous watcher shows as such, is counted, and is refused (visibly) when the presentity refuses anonymity", async () => {
    const alice = await signUp(server);
    const carol = await signUp(server);
    await setRules(alice, rules({ default: { action: "allow", show: "lastSeen" } }));
    expect((await api(carol).put("/privacy/visibility", { anonymous: true, presentities: {} })).status).toBe(
      200,
    );
    expect((await api(carol).get(`/presence/${alice.handle}`)).status).toBe(200);

    const raw = await (await api(alice).get("/watchers")).text();
    expect(raw).not.toContain(carol.handle);
    const [entry] = (JSON.parse(raw) as { watchers: WatcherInfo[] }).watchers;
    expect(entry).toMatchObject({ handle: null, kind: "fetcher", state: "active", counts: { hour: 1 } });
    expect(entry?.id).toMatch(/^anonymous:/);
    expect(entry).not.toHaveProperty("action"); // their rule could tell who they are
    const blockByAlias = await api(alice).post(`/watchers/${entry?.id}/block`, {});
    expect(blockByAlias.status).toBe(400);

    await setRules(alice, rules({ default: { action: "allow", show: "lastSeen" }, refuseAnonymous: true }));
    expect((await api(carol).get(`/presence/${alice.handle}`)).status).toBe(403);
    const [refused] = await watchersOf(alice);
    expect(refused).toMatchObject({ handle: null, state: "refused", counts: { hour: 2 } });

    // A per-presentity exception: Carol shows her handle to Alice.
    await api(carol).put("/privacy/visibility", { anonymous: true, presentities: { [alice.handle]: false } });
    expect((await api(carol).get(`/presence/${alice.handle}`)).status).toBe(200);
    expect((await watchersOf(alice))[0]).toMatchObject({ handle: carol.handle, state: "active" });
  });

  it("an anonymous watcher is answered only by alias: their real handle names no one", async () => {
    const alice = await signUp(server); // "ask me" (the default)
    const carol = await signUp(server); // watches anonymously
    const dana = await signUp(server); // never asked
    await api(carol).put("/privacy/visibility", { anonymous: true, presentities: {} });
    await subscribe(carol, alice);
    const listed = async () =>
      (await api(alice).json<{ subscribers: { handle: string; state: string }[] }>("/subscribers"))
        .subscribers;
    const [alias] = await listed();
    expect(alias).toMatchObject({ handle: expect.stringMatching(/^anonymous:/), state: "pending" });

    const answer = async (who: string) => {
      const response = await api(alice).post(`/subscribers/${who}`, { decision: "deny" });
      return { status: response.status, body: (await response.text()).replaceAll(who, "<who>") };
    };
    const revoke = async (who: string) => {
      const response = await api(alice).delete(`/subscribers/${who}`);
      return { status: response.status, body: (await response.text()).replaceAll(who, "<who>") };
    };
    // Carol's real handle is answered exactly like Dana's, and changes nothing.
    expect(await answer(carol.handle)).toEqual(await answer(dana.handle));
    expect((await answer(carol.handle)).status).toBe(404);
    expect(await revoke(carol.handle)).toEqual(await revoke(dana.handle));
    expect(await listed()).toEqual([alias]);

    expect((await api(alice).post(`/subscribers/${alias?.handle}`, { decision: "approve" })).status).toBe(
      200,
    );
    expect((await listed())[0]).toMatchObject({ handle: alias?.handle, state: "active" });
  });
});

// Polite block against signed out, field by field on every channel, runs against the real
// runtime in adversarial.test.ts (it waits for the reference's grace period once, by event);
// the frozen view and the silence after the block are proven with fake time in
// src/presence/subscriptions.test.ts and src/presence/presentity.test.ts.

describe("bad input changes nothing", () => {
  it.each([
    {
      case: "an unknown action",
      body: (_: Session) => rules({ default: { action: "maybe", show: "status" } as never }),
    },
    {
      case: "an unknown transformation",
      body: (_: Session) => rules({ default: { action: "allow", show: "all" } as never }),
    },
    {
      case: "a rule naming an unknown handle",
      body: (_: Session) => rules({ people: { "nobody-here-123": { action: "allow", show: "status" } } }),
    },
    {
      case: "a rule naming yourself",
      body: (me: Session) => rules({ people: { [me.handle]: { action: "allow", show: "status" } } }),
    },
    {
      case: "too many rules",
      body: (_: Session) =>
        rules({
          people: Object.fromEntries(
            Array.from({ length: 201 }, (_, i) => [`user${i}x`, { action: "allow", show: "status" }]),
          ),
        }),
    },
    {
      case: "a group of unknown people",
      body: (_: Session) =>
        rules({ groups: [{ name: "g", members: ["ghost-1-x"], rule: { action: "allow", show: "status" } }] }),
    },
  ])("$case is refused with a clear error", async ({ body }) => {
    const alice = await signUp(server);
    const before = await api(alice).json("/privacy");
    const response = await api(alice).put("/privacy/rules", body(alice));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBeTruthy();
    expect(await api(alice).json("/privacy")).toEqual(before);
  });

  it("blocking yourself or an unknown handle is refused", async () => {
    const alice = await signUp(server);
    expect((await api(alice).post("/blocklist", { handle: alice.handle })).status).toBe(400);
    expect((await api(alice).post("/blocklist", { handle: "nobody-here-456" })).status).toBe(400);
    expect((await api(alice).post("/blocklist", { handle: "not a handle" })).status).toBe(400);
    expect(await api(alice).json("/privacy")).toMatchObject({ blocked: [] });
  });
});

describe("stalkers and pruning (short limits)", () => {
  let quick: TestServer;
  beforeAll(async () => {
    quick = await startServer({
      vars: { STALKER_FETCHES_PER_HOUR: "3", WATCHER_KEEP_MS: "2000", WATCHER_PRUNE_EVERY_MS: "1000" },
    });
  });
  afterAll(async () => {
    await quick?.dispose();
  });

  it("flags a watcher fetching more than the threshold, and the room prunes old records before answering", async () => {
    const alice = await signUp(quick);
    const carol = await signUp(quick);
    const q = (s: Session) => roomApi(quick, s);
    const aliceTab = await connect(quick, alice);
    await q(alice).put("/privacy/rules", rules({ default: { action: "allow", show: "status" } }));
    for (let i = 0; i < 4; i++) await q(carol).get(`/presence/${alice.handle}`);
    const [entry] = (await q(alice).json<{ watchers: WatcherInfo[] }>("/watchers")).watchers;
    expect(entry).toMatchObject({ handle: carol.handle, kind: "poller", flagged: true });

    expect((await q(alice).post(`/watchers/${carol.handle}/block`, {})).status).toBe(200);
    expect((await q(carol).get(`/presence/${alice.handle}`)).status).toBe(403);

    await expect
      .poll(async () => (await q(alice).json<{ watchers: WatcherInfo[] }>("/watchers")).watchers, {
        timeout: 8_000,
        interval: 500,
      })
      .toEqual([]);
    // Her open tab is told the row is gone.
    await aliceTab.next("watcher.removed", (m) => m.id === carol.handle);
    aliceTab.close();
  });
});

describe("subscription limits (small limits)", () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startServer({
      vars: { MAX_SUBSCRIBERS: "2", MAX_WAITING_REQUESTS: "2", MAX_REFUSED_KEPT: "1" },
    });
  });
  afterAll(async () => {
    await small?.dispose();
  });

  const s = (session: Session) => roomApi(small, session);
  async function ask(watcher: Session, presentity: Session): Promise<{ status: number; body: unknown }> {
    const response = await s(watcher).post("/buddies", { handle: presentity.handle });
    return { status: response.status, body: await response.json() };
  }
  async function subscribersOf(presentity: Session) {
    return (await s(presentity).json<{ subscribers: { handle: string; state: string }[] }>("/subscribers"))
      .subscribers;
  }
  const errorOf = (body: unknown) => (body as { error?: { message?: string } }).error?.message ?? "";

  it("strangers asking fill only the waiting places; people let in, and blocks, are kept apart", async () => {
    const [alice, bob, carol, dave, erin, frank, gina] = (await Promise.all(
      Array.from({ length: 7 }, () => signUp(small)),
    )) as [Session, Session, Session, Session, Session, Session, Session];
    const set = async (value: AccessRules) =>
      expect((await s(alice).put("/privacy/rules", value)).status).toBe(200);
    await set(rules({ people: { [erin.handle]: { action: "allow", show: "status" } } }));

    // Two requests wait; a third stranger is told to try later, and nothing of theirs is kept.
    expect((await ask(bob, alice)).body).toMatchObject({ state: "pending" });
    expect((await ask(carol, alice)).body).toMatchObject({ state: "pending" });
    const third = await ask(dave, alice);
    expect(third.status).toBe(409);
    expect(errorOf(third.body)).toMatch(/too many requests waiting/);
    // Someone the rules let in still gets in while requests wait.
    expect((await ask(erin, alice)).body).toMatchObject({ state: "active" });

    // Approving fills the active places: one more approval is refused with the reason.
    expect((await s(alice).post(`/subscribers/${bob.handle}`, { decision: "approve" })).status).toBe(200);
    const over = await s(alice).post(`/subscribers/${carol.handle}`, { decision: "approve" });
    expect(over.status).toBe(409);
    expect(errorOf(await over.json())).toMatch(/End one before letting/);
    expect((await subscribersOf(alice)).find((x) => x.handle === carol.handle)?.state).toBe("pending");

    // Blocked askers are answered "refused"; beyond the kept number they are not recorded.
    await s(alice).post("/blocklist", { handle: frank.handle });
    await s(alice).post("/blocklist", { handle: gina.handle });
    expect((await ask(frank, alice)).body).toMatchObject({ state: "refused" });
    expect((await ask(gina, alice)).body).toMatchObject({ state: "refused" });
    const kept = await subscribersOf(alice);
    expect(kept.map((x) => x.handle).sort()).toEqual(
      [bob.handle, carol.handle, erin.handle, frank.handle].sort(),
    );

    // A rule that lets everyone in while the places are full leaves Carol waiting, not active...
    await set(rules({ default: { action: "allow", show: "status" } }));
    expect((await subscribersOf(alice)).find((x) => x.handle === carol.handle)?.state).toBe("pending");
    // ...but seeing less always happens at once, full or not.
    await set(rules({ default: { action: "block", show: "status" } }));
    const after = await subscribersOf(alice);
    for (const who of [bob, carol, erin]) {
      expect(after.find((x) => x.handle === who.handle)?.state, who.handle).toBe("refused");
    }
    // Letting everyone in again fills the places and no more; ending one frees its place.
    await set(rules({ default: { action: "allow", show: "status" } }));
    const letIn = [bob.handle, carol.handle, erin.handle];
    const now = (await subscribersOf(alice)).filter((x) => letIn.includes(x.handle));
    const active = now.filter((x) => x.state === "active");
    const keptOut = now.find((x) => x.state !== "active")?.handle;
    expect(active).toHaveLength(2);
    // The place one leaves goes to the one kept out, not to a newcomer.
    await s(alice).delete(`/subscribers/${active[0]?.handle}`);
    expect((await subscribersOf(alice)).find((x) => x.handle === keptOut)?.state).toBe("active");
    expect((await ask(dave, alice)).status).toBe(409);
  });

  it("a rule change frees places before it gives them, and a freed place goes to whoever waits", async () => {
    const [alice, bob, carol, dave, erin, gina] = (await Promise.all(
      Array.from({ length: 6 }, () => signUp(small)),
    )) as [Session, Session, Session, Session, Session, Session];
    const set = async (value: AccessRules) =>
      expect((await s(alice).put("/privacy/rules", value)).status).toBe(200);
    const allow = { action: "allow", show: "status" } as const;
    const block = { action: "block", show: "status" } as const;
    const stateOf = async (who: Session) =>
      (await subscribersOf(alice)).find((x) => x.handle === who.handle)?.state;

    // Bob and Carol wait; Dave and Erin are let in by name and take both places.
    await set(rules({ people: { [dave.handle]: allow, [erin.handle]: allow } }));
    expect((await ask(bob, alice)).body).toMatchObject({ state: "pending" });
    expect((await ask(carol, alice)).body).toMatchObject({ state: "pending" });
    expect((await ask(dave, alice)).body).toMatchObject({ state: "active" });
    expect((await ask(erin, alice)).body).toMatchObject({ state: "active" });

    // One change lets everyone in but Dave and Erin: their places go to Bob and Carol at once.
    await set(rules({ default: allow, people: { [dave.handle]: block, [erin.handle]: block } }));
    expect([await stateOf(bob), await stateOf(carol)]).toEqual(["active", "active"]);
    expect([await stateOf(dave), await stateOf(erin)]).toEqual(["refused", "refused"]);

    // Gina asks while Alice confirms, then the rules let her in while the places are full...
    const kept = { [bob.handle]: allow, [carol.handle]: allow, [dave.handle]: block, [erin.handle]: block };
    await set(rules({ people: kept }));
    expect((await ask(gina, alice)).body).toMatchObject({ state: "pending" });
    await set(rules({ people: { ...kept, [gina.handle]: allow } }));
    expect(await stateOf(gina)).toBe("pending");
    // ...and takes the place Bob leaves.
    expect((await s(alice).delete(`/subscribers/${bob.handle}`)).status).toBe(200);
    expect(await stateOf(gina)).toBe("active");
  });
});

describe("watcher information is bounded in number (small limit)", () => {
  let capped: TestServer;
  beforeAll(async () => {
    capped = await startServer({ vars: { MAX_WATCHER_RECORDS: "3" } });
  });
  afterAll(async () => {
    await capped?.dispose();
  });

  it("a new watcher past the limit makes the least recently seen fetcher be forgotten, never a subscriber", async () => {
    const c = (session: Session) => roomApi(capped, session);
    const [alice, bob, carol, dave, erin] = (await Promise.all(
      Array.from({ length: 5 }, () => signUp(capped)),
    )) as [Session, Session, Session, Session, Session];
    expect(
      (await c(alice).put("/privacy/rules", rules({ default: { action: "allow", show: "status" } }))).status,
    ).toBe(200);
    const aliceTab = await connect(capped, alice);
    // Bob subscribes first, so he is the oldest; Carol and Dave fetch; then Erin fetches.
    expect((await c(bob).post("/buddies", { handle: alice.handle })).status).toBe(201);
    for (const fetcher of [carol, dave, erin]) {
      expect((await c(fetcher).get(`/presence/${alice.handle}`)).status).toBe(200);
    }
    const kept = (await c(alice).json<{ watchers: WatcherInfo[] }>("/watchers")).watchers;
    expect(kept.map((w) => w.handle).sort()).toEqual([bob.handle, dave.handle, erin.handle].sort());
    // Alice's open tab is told, so her list does not keep a row the room has forgotten.
    await aliceTab.next("watcher.removed", (m) => m.id === carol.handle);
    // Carol looking again is a new watcher: Dave, now the least recently seen, makes way.
    expect((await c(carol).get(`/presence/${alice.handle}`)).status).toBe(200);
    const after = (await c(alice).json<{ watchers: WatcherInfo[] }>("/watchers")).watchers;
    expect(after.map((w) => w.handle).sort()).toEqual([bob.handle, carol.handle, erin.handle].sort());
    await aliceTab.next("watcher.removed", (m) => m.id === dave.handle);
    aliceTab.close();
  });
});
