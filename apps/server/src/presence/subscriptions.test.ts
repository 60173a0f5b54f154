import { DEFAULT_WATCHER_POLICY, HOUR_MS } from "@pim/model";
import type { AccessAction, PresenceView, Subscriber, WatcherInfo } from "@pim/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ApiError, asApiError } from "../http/api-error.ts";
import { Refusal } from "../refusal.ts";
import { type FakeClock, fakeClock } from "../test-support/fake-clock.ts";
import { h } from "../test-support/handles.ts";
import { presenceParts, rules } from "../test-support/presence-parts.ts";

afterEach(() => {
  vi.useRealTimers();
});

const PEOPLE = ["bob", "carol", "dana", "erin", "frank"];

async function setup(options: Partial<Parameters<typeof presenceParts>[0]> = {}) {
  const clock = options.clock ?? fakeClock();
  const parts = await presenceParts({ people: PEOPLE, ...options, clock });
  return { clock, ...parts };
}

/** The rows the principal's tabs were sent, in order. */
const rowsSent = (parts: Awaited<ReturnType<typeof setup>>): WatcherInfo[] =>
  parts.toSubscribers.args("watcherToSelf").map(([row]) => row);
const subscriberRows = (parts: Awaited<ReturnType<typeof setup>>): Subscriber[] =>
  parts.toSubscribers.args("toSelf").map(([row]) => row);
const told = (parts: Awaited<ReturnType<typeof setup>>) =>
  parts.toSubscribers.args("tellSubscriber").map(([to, state, view]) => ({ to, state, view }));

async function expectApiError(promise: Promise<unknown>, status: number, message?: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Refusal);
  // Asserted as the HTTP layer would answer it: the statuses are the contract.
  const answered: ApiError = asApiError(error as Refusal);
  expect(answered.status).toBe(status);
  if (message) expect(answered.message).toMatch(message);
}

describe("a request to subscribe, under each access action", () => {
  it.each([
    { action: "allow", state: "active", view: { status: "open", availability: "available" } },
    { action: "confirm", state: "pending", view: undefined },
    { action: "polite-block", state: "active", view: { status: "closed", lastSeen: expect.any(Number) } },
    { action: "block", state: "refused", view: undefined },
  ] as const)("$action: $state", async ({ action, state, view }) => {
    const parts = await setup();
    await parts.connect();
    await parts.setRules({ bob: { action, show: "lastSeen" } });
    const answer = await parts.subscriptions.requested("bob", false);
    expect(answer.state).toBe(state);
    if (view) expect(answer.view).toMatchObject({ handle: "alice", ...view });
    else expect(answer).not.toHaveProperty("view");
    // The polite-blocked watcher sees exactly what someone signed out shows: nothing more.
    if (action === "polite-block")
      expect(Object.keys(answer.view ?? {}).sort()).toEqual(["handle", "lastSeen", "status"]);
    expect(parts.subscriptions.list()).toEqual([
      expect.objectContaining({ handle: "bob", state, requestedAt: parts.clock.now() }),
    ]);
    expect(subscriberRows(parts).at(-1)).toMatchObject({ handle: "bob", state });
    // The request is stored: a room that starts again knows it.
    const again = await presenceParts({ clock: parts.clock, storage: parts.storage, people: PEOPLE });
    expect(again.subscriptions.list()).toEqual(parts.subscriptions.list());
  });

  it("an active subscriber is welcomed with the view at once, and later changes reach them", async () => {
    const parts = await setup();
    await parts.connect();
    await parts.setRules({ bob: { action: "allow", show: "note" } });
    await parts.subscriptions.requested("bob", false);
    await parts.presentity.setChosen({ availability: "busy", note: "writing", invisible: false });
    // Welcomed just now: the change waits for the end of the coalescing window.
    expect(parts.toWatchers.args("notify")).toEqual([]);
    await parts.clock.advance(1_000);
    const [notified] = parts.toWatchers.args("notify");
    expect(notified?.[0]).toBe("bob");
    expect(notified?.[1]).toMatchObject({ availability: "busy", note: "writing" });
    expect(notified?.[1]).not.toHaveProperty("lastSeen");
  });
});

describe("the principal answers", () => {
  it.each([
    { decision: "approve", state: "active", hasView: true },
    { decision: "deny", state: "refused", hasView: false },
  ] as const)("$decision: the subscription is $state and the watcher's room is told", async (c) => {
    const parts = await setup();
    await parts.connect();
    expect((await parts.subscriptions.requested("bob", false)).state).toBe("pending");
    const answered = await parts.subscriptions.answer("bob", c.decision);
    expect(answered).toMatchObject({ handle: "bob", state: c.state, decidedAt: parts.clock.now() });
    const [tell] = told(parts);
    expect(tell).toMatchObject({ to: "bob", state: c.state });
    expect(tell?.view !== undefined).toBe(c.hasView);
  });

  it("asking again after a no is a new question", async () => {
    const parts = await setup();
    await parts.subscriptions.requested("bob", false);
    await parts.subscriptions.answer("bob", "deny");
    expect((await parts.subscriptions.requested("bob", false)).state).toBe("pending");
  });

  it("someone who never asked cannot be answered or revoked", async () => {
    const parts = await setup();
    await expectApiError(parts.subscriptions.answer("bob", "approve"), 404);
    await expectApiError(parts.subscriptions.revoke("bob"), 404);
  });

  it("a pending fetcher can be approved from watcher information, and fetches then see me", async () => {
    const parts = await setup();
    await parts.connect();
    expect((await parts.subscriptions.fetched("carol", "fetch", false)).access).toBe("pending");
    expect(parts.subscriptions.watcherInformation()[0]).toMatchObject({
      handle: "carol",
      state: "pending",
      kind: "fetcher",
    });
    await parts.subscriptions.answer("carol", "approve");
    expect((await parts.subscriptions.fetched("carol", "fetch", false)).access).toBe("granted");
  });
});

describe("revoking and unsubscribing", () => {
  it("revoke ends the subscription, tells the watcher's room, and stops notifications", async () => {
    const parts = await setup();
    await parts.connect();
    await parts.setRules({ bob: { action: "allow", show: "status" } });
    await parts.subscriptions.requested("bob", false);
    await parts.subscriptions.revoke("bob");
    expect(parts.subscriptions.list()).toEqual([expect.objectContaining({ handle: "bob", state: "ended" })]);
    expect(told(parts).at(-1)).toEqual({ to: "bob", state: "ended", view: undefined });
    await expectApiError(parts.subscriptions.revoke("bob"), 404);
    parts.toWatchers.clear();
    await parts.presentity.setChosen({ availability: "busy", invisible: false });
    expect(parts.toWatchers.args("notify")).toEqual([]);
  });

  it("the watcher removing me ends it on my side without telling them back", async () => {
    const parts = await setup();
    await parts.setRules({ bob: { action: "allow", show: "status" } });
    await parts.subscriptions.requested("bob", false);
    await parts.subscriptions.unsubscribed("bob");
    expect(parts.subscriptions.list()[0]?.state).toBe("ended");
    expect(told(parts)).toEqual([]);
    // The row says so too.
    await parts.clock.advance(1_000);
    expect(parts.subscriptions.watcherInformation()[0]).toMatchObject({ handle: "bob", state: "ended" });
  });
});

describe("re-evaluation after a rule or the blocklist changes", () => {
  it("a newly blocked subscriber is refused, a polite-blocked one sees CLOSED, an allowed one sees me again", async () => {
    const parts = await setup();
    await parts.connect();
    await parts.privacy.setRules(rules({ default: { action: "allow", show: "lastSeen" } }));
    await parts.subscriptions.requested("bob", false);
    await parts.subscriptions.requested("carol", false);

    await parts.privacy.block(h("bob"));
    expect(told(parts).at(-1)).toEqual({ to: "bob", state: "refused", view: undefined });

    parts.toWatchers.clear();
    await parts.privacy.setRules(
      rules({
        default: { action: "allow", show: "lastSeen" },
        people: { carol: { action: "polite-block", show: "lastSeen" } },
      }),
    );
    const [[to, view]] = parts.toWatchers.args("notify") as [[string, PresenceView, number]];
    expect(to).toBe("carol");
    expect(view).toEqual({ handle: "alice", status: "closed", lastSeen: parts.clock.now() });
    expect(parts.subscriptions.watcherInformation().find((w) => w.handle === "carol")).toMatchObject({
      state: "active",
      action: "polite-block",
    });

    parts.toWatchers.clear();
    await parts.privacy.setRules(rules({ default: { action: "allow", show: "lastSeen" } }));
    expect(parts.toWatchers.args("notify").map(([who, v]) => [who, v.status])).toEqual([["carol", "open"]]);
    await parts.privacy.unblock(h("bob"));
    expect(told(parts).at(-1)).toMatchObject({ to: "bob", state: "active", view: { status: "open" } });
  });

  it("a polite block freezes the view at its start: later changes, even signing out, send nothing", async () => {
    const parts = await setup();
    await parts.connect();
    await parts.setRules({ bob: { action: "allow", show: "lastSeen" } });
    await parts.subscriptions.requested("bob", false);
    await parts.clock.advance(60_000);
    const blockedAt = parts.clock.now();
    await parts.setRules({ bob: { action: "polite-block", show: "lastSeen" } });
    const frozen = { handle: "alice", status: "closed", lastSeen: blockedAt };
    expect(parts.toWatchers.args("notify").at(-1)?.[1]).toEqual(frozen);

    parts.toWatchers.clear();
    await parts.clock.advance(60_000);
    await parts.presentity.setChosen({ availability: "busy", note: "lunch", invisible: false });
    await parts.presentity.disconnect("tab-1");
    await parts.clock.advance(10_000); // past the grace period: really signed out now
    await parts.connect("tab-2");
    await parts.clock.advance(2_000);
    expect(parts.toWatchers.args("notify")).toEqual([]);
    expect(parts.subscriptions.transform("bob", parts.presentity.view().view)).toEqual(frozen);
    expect((await parts.subscriptions.fetched("bob", "fetch", false)).view).toEqual(frozen);
    expect(parts.subscriptions.preview("bob").view).toEqual(frozen);
  });
});

describe("anonymous watchers", () => {
  it("are a separate record from their named watching, shown only by alias, with their own counts", async () => {
    const parts = await setup();
    await parts.privacy.setRules(rules({ default: { action: "allow", show: "lastSeen" } }));
    await parts.subscriptions.fetched("erin", "fetch", false);
    const [named] = parts.subscriptions.watcherInformation();
    expect(named).toMatchObject({ id: "erin", handle: "erin", counts: { hour: 1 }, action: "allow" });

    await parts.clock.advance(1_000);
    for (let i = 0; i < 2; i++) await parts.subscriptions.fetched("erin", "fetch", true);
    const both = parts.subscriptions.watcherInformation();
    expect(both).toHaveLength(2);
    const alias = both.find((w) => w.handle === null);
    expect(alias?.id).toMatch(/^anonymous:[0-9a-f]{12}$/);
    expect(alias).toMatchObject({ counts: { hour: 2 }, firstAt: (named?.firstAt ?? 0) + 1_000 });
    expect(alias).not.toHaveProperty("action"); // their rule could tell who they are
    expect(JSON.stringify(alias)).not.toContain("erin");
    expect(both.find((w) => w.handle === "erin")).toEqual(named);

    // Back to named: the named record resumes; the alias keeps its own counts.
    await parts.subscriptions.fetched("erin", "fetch", false);
    const again = parts.subscriptions.watcherInformation();
    expect(again.find((w) => w.handle === "erin")).toMatchObject({
      firstAt: named?.firstAt,
      counts: { hour: 2 },
    });
    expect(again.find((w) => w.id === alias?.id)?.counts.hour).toBe(2);
  });

  it("are refused, visibly, when the presentity refuses anonymity; counted all the same", async () => {
    const parts = await setup();
    await parts.privacy.setRules(rules({ default: { action: "allow", show: "lastSeen" } }));
    expect((await parts.subscriptions.fetched("carol", "fetch", true)).access).toBe("granted");
    await parts.privacy.setRules(
      rules({ default: { action: "allow", show: "lastSeen" }, refuseAnonymous: true }),
    );
    expect((await parts.subscriptions.fetched("carol", "fetch", true)).access).toBe("refused");
    expect(parts.subscriptions.watcherInformation()).toEqual([
      expect.objectContaining({ handle: null, state: "refused", counts: { hour: 2, day: 2, month: 2 } }),
    ]);
  });

  /** Alice ("ask me") approved an anonymous subscriber, Carol; Dana never watched. */
  async function anonymousSubscriber() {
    const parts = await setup();
    await parts.connect();
    await parts.subscriptions.requested("carol", true);
    const alias = parts.subscriptions.list()[0]?.handle as string;
    expect(alias).toMatch(/^anonymous:/);
    await parts.subscriptions.answer(alias, "approve");
    expect((await parts.subscriptions.fetched("carol", "fetch", true)).access).toBe("granted");
    await parts.clock.advance(2_000); // no row held back from the set-up
    return { parts, alias };
  }

  it("are answered only by alias: their real handle names no one", async () => {
    const { parts, alias } = await anonymousSubscriber();
    const outcome = (promise: Promise<unknown>) =>
      promise.then(
        () => "ok",
        (e: Refusal) => `${asApiError(e).status} ${e.message.replaceAll(/carol|dana/g, "<who>")}`,
      );
    for (const decision of ["approve", "deny"] as const) {
      expect(await outcome(parts.subscriptions.answer("carol", decision))).toBe(
        await outcome(parts.subscriptions.answer("dana", decision)),
      );
    }
    expect(await outcome(parts.subscriptions.revoke("carol"))).toBe(
      await outcome(parts.subscriptions.revoke("dana")),
    );
    expect(parts.subscriptions.list()).toEqual([expect.objectContaining({ handle: alias, state: "active" })]);
  });

  /** Carol only fetched Alice's presence, anonymously ("ask me": pending). */
  async function anonymousFetcher() {
    const parts = await setup();
    await parts.connect();
    expect((await parts.subscriptions.fetched("carol", "fetch", true)).access).toBe("pending");
    const alias = parts.subscriptions.watcherInformation()[0]?.id as string;
    await parts.clock.advance(2_000);
    return { parts, alias };
  }

  it.each(
    (["allow", "confirm", "polite-block", "block", "blocklist"] as const).flatMap((how) =>
      (["subscriber", "fetcher"] as const).map((watcher) => ({ how, watcher })),
    ),
  )(
    "a $how naming the right guess of an anonymous $watcher changes its row no more than a wrong guess",
    async ({ how, watcher }) => {
      const probe = async (guess: string) => {
        const { parts, alias } = await (watcher === "subscriber"
          ? anonymousSubscriber()
          : anonymousFetcher());
        const before = parts.toSubscribers.calls.length;
        if (how === "blocklist") await parts.privacy.block(h(guess));
        else await parts.setRules({ [guess]: { action: how as AccessAction, show: "lastSeen" } });
        const during = {
          watchers: parts.subscriptions.watcherInformation(),
          subscribers: parts.subscriptions.list(),
        };
        if (how === "blocklist") await parts.privacy.unblock(h(guess));
        else await parts.setRules();
        await parts.clock.advance(2_000); // rows held back by the one-a-second pace go out
        const events = parts.toSubscribers.calls
          .slice(before)
          .filter((c) => JSON.stringify(c.args).includes(alias))
          .map((c) => c.name);
        const hide = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll(alias, "<alias>"));
        return hide({ during, events, preview: parts.subscriptions.preview(guess), guess: undefined });
      };
      const right = await probe("carol");
      const wrong = await probe("dana");
      expect(JSON.stringify(right).replaceAll("carol", "<who>")).toBe(
        JSON.stringify(wrong).replaceAll("dana", "<who>"),
      );
    },
  );

  it("a block of the real handle still holds silently: refused, and the row does not change", async () => {
    const { parts, alias } = await anonymousSubscriber();
    const rowBefore = parts.subscriptions.watcherInformation().find((w) => w.id === alias);
    await parts.privacy.block(h("carol"));
    expect((await parts.subscriptions.fetched("carol", "fetch", true)).access).toBe("refused");
    const rowAfter = parts.subscriptions.watcherInformation().find((w) => w.id === alias);
    expect(rowAfter).toMatchObject({ state: rowBefore?.state, kind: rowBefore?.kind });
    expect(rowAfter).not.toHaveProperty("action");
    expect(parts.subscriptions.list()).toEqual([expect.objectContaining({ handle: alias, state: "active" })]);
  });
});

describe("fetches", () => {
  it("are rate-limited per watcher before anything is decided: the same answer whatever the rules, and still counted", async () => {
    const answers = new Map<AccessAction, unknown[]>();
    for (const action of ["allow", "confirm", "polite-block", "block"] as const) {
      const parts = await setup({ fetchRate: { burst: 3, perMinute: 1 } });
      await parts.setRules({ bob: { action, show: "lastSeen" } });
      const seen = [];
      for (let i = 0; i < 5; i++) seen.push(await parts.subscriptions.fetched("bob", "fetch", false));
      expect(seen.slice(3)).toEqual([
        { access: "rate_limited", retryAfter: 60, seq: 0 },
        { access: "rate_limited", retryAfter: 60, seq: 0 },
      ]);
      answers.set(action, seen.slice(3));
      await parts.clock.advance(1_000);
      expect(parts.subscriptions.watcherInformation()[0]?.counts.hour).toBe(5);
    }
    expect(new Set([...answers.values()].map((a) => JSON.stringify(a))).size).toBe(1);
  });

  it("keep their allowance across the room being built again (hibernation), not a fresh burst", async () => {
    const parts = await setup({ fetchRate: { burst: 2, perMinute: 1 } });
    for (let i = 0; i < 3; i++) await parts.subscriptions.fetched("bob", "fetch", false);
    await parts.clock.advance(5_000); // the refused fetch's deferred write
    const woken = await setup({
      clock: parts.clock,
      storage: parts.storage,
      fetchRate: { burst: 2, perMinute: 1 },
    });
    expect(await woken.subscriptions.fetched("bob", "fetch", false)).toMatchObject({
      access: "rate_limited",
    });
    await parts.clock.advance(60_000);
    expect((await woken.subscriptions.fetched("bob", "fetch", false)).access).not.toBe("rate_limited");
  });

  it("refused for their rate, they are kept in memory and written within seconds, not once each", async () => {
    const parts = await setup({ fetchRate: { burst: 1, perMinute: 1 } });
    const watcherWrites = () => parts.storage.writes.filter((k) => k.startsWith("watcher:")).length;
    await parts.subscriptions.fetched("bob", "fetch", false);
    const afterFirst = watcherWrites();
    for (let i = 0; i < 20; i++) await parts.subscriptions.fetched("bob", "fetch", false);
    expect(watcherWrites()).toBe(afterFirst);
    await parts.clock.advance(5_000);
    expect(watcherWrites()).toBe(afterFirst + 1);
    const stored = parts.storage.dump().get("watcher:bob") as { activity: { recent: number[] } };
    expect(stored.activity.recent).toHaveLength(21);
  });

  it("repeated fetches make a poller, and past the threshold a flagged possible stalker", async () => {
    const parts = await setup({ policy: { ...DEFAULT_WATCHER_POLICY, stalkerPerHour: 3 } });
    await parts.privacy.setRules(rules({ default: { action: "allow", show: "status" } }));
    await parts.subscriptions.fetched("carol", "fetch", false);
    expect(parts.subscriptions.watcherInformation()[0]).toMatchObject({ kind: "fetcher", flagged: false });
    for (let i = 0; i < 3; i++) await parts.subscriptions.fetched("carol", "fetch", false);
    expect(parts.subscriptions.watcherInformation()[0]).toMatchObject({
      kind: "poller",
      flagged: true,
      counts: { hour: 4, day: 4, month: 4 },
    });
    await parts.clock.advance(HOUR_MS);
    expect(parts.subscriptions.watcherInformation()[0]).toMatchObject({ kind: "fetcher", flagged: false });
  });

  it("what 'see what X sees' previews is what X is sent", async () => {
    const parts = await setup();
    await parts.connect();
    await parts.presentity.setChosen({ availability: "busy", note: "dentist at four", invisible: false });
    await parts.setRules({ bob: { action: "allow", show: "availability" } });
    const fetched = await parts.subscriptions.fetched("bob", "fetch", false);
    expect(fetched.view).toEqual({
      handle: "alice",
      status: "open",
      availability: "busy",
      contact: "im:alice",
    });
    expect(parts.subscriptions.preview("bob")).toMatchObject({
      watcher: "bob",
      decision: { action: "allow", show: "availability", because: "person" },
      state: "active",
      view: fetched.view,
    });
  });
});

describe("watcher-information rows on the principal's tabs", () => {
  it("go out at most once a second per watcher, the latest last", async () => {
    const parts = await setup();
    await parts.privacy.setRules(rules({ default: { action: "allow", show: "status" } }));
    for (let i = 0; i < 5; i++) await parts.subscriptions.fetched("dave", "fetch", false);
    await parts.subscriptions.fetched("erin", "fetch", false);
    expect(rowsSent(parts).map((r) => [r.id, r.counts.hour])).toEqual([
      ["dave", 1],
      ["erin", 1],
    ]);
    await parts.clock.advance(999);
    expect(rowsSent(parts)).toHaveLength(2);
    await parts.clock.advance(1);
    expect(rowsSent(parts).map((r) => [r.id, r.counts.hour])).toEqual([
      ["dave", 1],
      ["erin", 1],
      ["dave", 5],
    ]);
    await parts.clock.advance(5_000);
    expect(rowsSent(parts)).toHaveLength(3); // nothing changed since: nothing more
  });
});

describe("places for subscribers are bounded", () => {
  const limits = { active: 2, waiting: 2, refused: 1 };

  it("strangers fill only the waiting places; people let in, and blocks, are kept apart", async () => {
    const parts = await setup({ limits, people: ["bob", "carol", "dave", "erin", "frank", "gina"] });
    await parts.setRules({ erin: { action: "allow", show: "status" } });
    expect((await parts.subscriptions.requested("bob", false)).state).toBe("pending");
    expect((await parts.subscriptions.requested("carol", false)).state).toBe("pending");
    await expectApiError(parts.subscriptions.requested("dave", false), 409, /too many requests waiting/);
    expect(parts.subscriptions.watcherInformation().map((w) => w.handle)).not.toContain("dave");
    expect((await parts.subscriptions.requested("erin", false)).state).toBe("active");

    await parts.subscriptions.answer("bob", "approve");
    await expectApiError(parts.subscriptions.answer("carol", "approve"), 409, /End one before letting/);
    expect(parts.subscriptions.list().find((s) => s.handle === "carol")?.state).toBe("pending");

    await parts.privacy.block(h("frank"));
    await parts.privacy.block(h("gina"));
    expect((await parts.subscriptions.requested("frank", false)).state).toBe("refused");
    expect((await parts.subscriptions.requested("gina", false)).state).toBe("refused");
    expect(
      parts.subscriptions
        .list()
        .map((s) => s.handle)
        .sort(),
    ).toEqual(["bob", "carol", "erin", "frank"]);
  });

  it("a rule change frees places before it gives them; a freed place goes to the longest-waiting", async () => {
    const parts = await setup({ limits, people: ["bob", "carol", "dave", "erin", "gina"] });
    const allow = { action: "allow", show: "status" } as const;
    const block = { action: "block", show: "status" } as const;
    const stateOf = (who: string) => parts.subscriptions.list().find((s) => s.handle === who)?.state;
    await parts.setRules({ dave: allow, erin: allow });
    await parts.subscriptions.requested("bob", false);
    await parts.clock.advance(1_000);
    await parts.subscriptions.requested("carol", false);
    await parts.subscriptions.requested("dave", false);
    await parts.subscriptions.requested("erin", false);
    expect(["bob", "carol", "dave", "erin"].map(stateOf)).toEqual(["pending", "pending", "active", "active"]);

    // One change lets everyone in but Dave and Erin: their places go to Bob and Carol at once.
    await parts.setRules({ dave: block, erin: block }, { default: allow });
    expect(["bob", "carol", "dave", "erin"].map(stateOf)).toEqual(["active", "active", "refused", "refused"]);

    // Gina asks, then the rules let her in while the places are full: she waits...
    const kept = { bob: allow, carol: allow, dave: block, erin: block };
    await parts.setRules(kept);
    expect((await parts.subscriptions.requested("gina", false)).state).toBe("pending");
    await parts.setRules({ ...kept, gina: allow });
    expect(stateOf("gina")).toBe("pending");
    // ...and takes the place Bob leaves, told at once.
    await parts.subscriptions.revoke("bob");
    expect(stateOf("gina")).toBe("active");
    expect(told(parts).slice(-2)).toEqual([
      expect.objectContaining({ to: "gina", state: "active" }),
      expect.objectContaining({ to: "bob", state: "ended" }),
    ]);
  });

  it("of two waiting for a freed place, the one who asked first gets it", async () => {
    const parts = await setup({ limits: { active: 1, waiting: 5, refused: 5 } });
    await parts.setRules({ bob: { action: "allow", show: "status" } });
    await parts.subscriptions.requested("bob", false);
    await parts.clock.advance(1_000);
    await parts.subscriptions.requested("dana", false); // asks first
    await parts.clock.advance(1_000);
    await parts.subscriptions.requested("carol", false);
    await parts.privacy.setRules(rules({ default: { action: "allow", show: "status" } }));
    await parts.subscriptions.revoke("bob");
    const states = Object.fromEntries(parts.subscriptions.list().map((s) => [s.handle, s.state]));
    expect(states).toEqual({ bob: "ended", dana: "active", carol: "pending" });
  });
});

describe("watcher information is bounded in time and number", () => {
  it("pruning drops watchers not seen for the kept period, never a live subscriber, and tells the tabs", async () => {
    const keepMs = 10_000;
    const parts = await setup({ policy: { ...DEFAULT_WATCHER_POLICY, keepMs } });
    await parts.privacy.setRules(rules({ default: { action: "allow", show: "status" } }));
    await parts.subscriptions.requested("bob", false);
    await parts.subscriptions.fetched("carol", "fetch", false);
    await parts.clock.advance(keepMs / 2);
    await parts.subscriptions.fetched("dana", "fetch", false);
    await parts.clock.advance(keepMs / 2);
    expect(await parts.subscriptions.prune()).toBe(1);
    expect(
      parts.subscriptions
        .watcherInformation()
        .map((w) => w.handle)
        .sort(),
    ).toEqual(["bob", "dana"]);
    expect(parts.toSubscribers.args("watcherRemovedToSelf")).toEqual([["carol"]]);
    expect([...parts.storage.dump().keys()].filter((k) => k.startsWith("watcher:"))).toEqual([
      "watcher:bob",
      "watcher:dana",
    ]);
  });

  it("a new watcher past the limit makes the least recently seen fetcher be forgotten, never a subscriber", async () => {
    const parts = await setup({ policy: { ...DEFAULT_WATCHER_POLICY, maxRecords: 3 } });
    await parts.privacy.setRules(rules({ default: { action: "allow", show: "status" } }));
    await parts.subscriptions.requested("bob", false);
    for (const fetcher of ["carol", "dana", "erin"]) {
      await parts.clock.advance(1_000);
      await parts.subscriptions.fetched(fetcher, "fetch", false);
    }
    const handles = () =>
      parts.subscriptions
        .watcherInformation()
        .map((w) => w.handle)
        .sort();
    expect(handles()).toEqual(["bob", "dana", "erin"]);
    expect(parts.toSubscribers.args("watcherRemovedToSelf")).toEqual([["carol"]]);
    await parts.clock.advance(1_000);
    await parts.subscriptions.fetched("carol", "fetch", false);
    expect(handles()).toEqual(["bob", "carol", "erin"]);
    expect(parts.toSubscribers.args("watcherRemovedToSelf")).toEqual([["carol"], ["dana"]]);
  });
});

describe("a room started again", () => {
  it("finds subscribers and watcher records as they were stored", async () => {
    const clock: FakeClock = fakeClock();
    const first = await setup({ clock });
    await first.setRules({ bob: { action: "allow", show: "status" } });
    await first.subscriptions.requested("bob", false);
    await first.subscriptions.fetched("carol", "fetch", true);
    const again = await presenceParts({ clock, storage: first.storage, people: PEOPLE });
    expect(again.subscriptions.list()).toEqual(first.subscriptions.list());
    expect(again.subscriptions.watcherInformation()).toEqual(first.subscriptions.watcherInformation());
  });
});
