import { DEFAULT_COALESCE_POLICY, DEFAULT_PRESENCE_POLICY } from "@pim/model";
import type { PresenceView } from "@pim/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type FakeClock, fakeClock } from "../test-support/fake-clock.ts";
import { MemoryStorage } from "../test-support/memory-storage.ts";
import { presenceParts, rules, tab } from "../test-support/presence-parts.ts";

afterEach(() => {
  vi.useRealTimers();
});

const GRACE = DEFAULT_PRESENCE_POLICY.graceMs;
const WINDOW = DEFAULT_COALESCE_POLICY.windowMs;

/** Alice with Bob and Carol as active subscribers who may see everything. */
async function setup(clock: FakeClock = fakeClock(), storage = new MemoryStorage()) {
  const parts = await presenceParts({ clock, storage, people: ["bob", "carol"] });
  await parts.privacy.setRules(rules({ default: { action: "allow", show: "lastSeen" } }));
  await parts.subscriptions.requested("bob", false);
  await parts.subscriptions.requested("carol", false);
  await clock.advance(WINDOW); // past the window their welcome opened
  parts.toWatchers.clear();
  return { clock, ...parts };
}

type Parts = Awaited<ReturnType<typeof setup>>;
const notified = (parts: Parts, to = "bob") =>
  parts.toWatchers
    .args("notify")
    .filter(([who]) => who === to)
    .map(([, view, seq]) => ({ view, seq }));
/** The statuses a subscriber was shown, each change once (a device leaving also changes the view). */
const statuses = (parts: Parts, to = "bob") =>
  notified(parts, to)
    .map((n) => n.view.status)
    .filter((status, i, all) => i === 0 || all[i - 1] !== status);
const selfViews = (parts: Parts): PresenceView[] => parts.toWatchers.args("toSelf").map(([view]) => view);

describe("the aggregate of a principal's devices", () => {
  it("opens on the first tab and tells every subscriber and the principal's own tabs", async () => {
    const parts = await setup();
    await parts.connect("tab-1");
    expect(selfViews(parts).at(-1)).toMatchObject({ status: "open", availability: "available" });
    for (const who of ["bob", "carol"]) {
      expect(notified(parts, who).map((n) => n.view.status)).toEqual(["open"]);
    }
    expect(parts.toWatchers.args("toSelf").at(-1)?.[2]).toEqual([expect.objectContaining({ id: "tab-1" })]);
  });

  it("stays OPEN through the grace period after the last tab closes, then CLOSED with last seen", async () => {
    const parts = await setup();
    await parts.connect("tab-1");
    await parts.clock.advance(60_000);
    const closedAt = parts.clock.now();
    await parts.presentity.disconnect("tab-1");
    expect(parts.presentity.view().view.status).toBe("open");
    await parts.clock.advance(GRACE - 1);
    expect(statuses(parts)).toEqual(["open"]);
    await parts.clock.advance(10);
    expect(notified(parts).at(-1)?.view).toEqual({ handle: "alice", status: "closed", lastSeen: closedAt });
  });

  it("a tab coming back within the grace period never shows CLOSED", async () => {
    const parts = await setup();
    await parts.connect("tab-1");
    await parts.presentity.disconnect("tab-1");
    await parts.clock.advance(GRACE / 2);
    await parts.connect("tab-2");
    await parts.clock.advance(GRACE * 2);
    expect(statuses(parts)).toEqual(["open"]);
  });

  it("away when every tab is idle, available again when one is not", async () => {
    const parts = await setup();
    await parts.connect("tab-1");
    await parts.connect("tab-2");
    await parts.presentity.setIdle("tab-1", true);
    expect(parts.presentity.view().view.availability).toBe("available");
    await parts.presentity.setIdle("tab-2", true);
    expect(parts.presentity.view().view.availability).toBe("away");
    await parts.presentity.setIdle("tab-2", false);
    expect(parts.presentity.view().view.availability).toBe("available");
    await parts.presentity.setIdle("gone", true); // an unknown tab changes nothing
    expect(parts.presentity.deviceTuples()).toHaveLength(2);
  });

  it("invisible shows CLOSED to subscribers while the principal's tabs see their chosen state", async () => {
    const parts = await setup();
    await parts.connect("tab-1");
    await parts.clock.advance(WINDOW);
    await parts.presentity.setChosen({ availability: "available", note: "hidden", invisible: true });
    const last = notified(parts).at(-1)?.view;
    expect(last).toEqual({ handle: "alice", status: "closed", lastSeen: parts.clock.now() });
    expect(parts.toWatchers.args("toSelf").at(-1)?.[1]).toMatchObject({ invisible: true, note: "hidden" });
  });

  it("a note that expires is taken away on its own", async () => {
    const parts = await setup();
    await parts.connect("tab-1");
    await parts.clock.advance(WINDOW);
    const expiresAt = parts.clock.now() + 30_000;
    await parts.presentity.setChosen({
      availability: "available",
      note: "back soon",
      noteExpiresAt: expiresAt,
      invisible: false,
    });
    expect(notified(parts).at(-1)?.view.note).toBe("back soon");
    await parts.clock.advance(30_100);
    expect(notified(parts).at(-1)?.view).not.toHaveProperty("note");
  });
});

describe("a room built again after hibernating", () => {
  /** Alice's room with `open` tabs, evicted, then built again on the same storage and sockets. */
  async function woken(open: string[]) {
    const clock = fakeClock();
    const storage = new MemoryStorage();
    const before = await setup(clock, storage);
    for (const id of open) await before.connect(id);
    await clock.advance(WINDOW * 2);
    const tuples = before.presentity.deviceTuples();
    const after = await setup(clock, storage);
    return { clock, tuples, after };
  }

  it("restores its devices from the open sockets and tells no one", async () => {
    const { tuples, after } = await woken(["tab-1", "tab-2"]);
    after.presentity.restore(tuples);
    expect(after.presentity.view().view).toMatchObject({ status: "open" });
    expect(after.presentity.deviceTuples().map((t) => t.id)).toEqual(["tab-1", "tab-2"]);
    expect(notified(after)).toEqual([]);
  });

  it.each([
    { case: "one of two tabs", open: ["tab-1", "tab-2"], statusAfterGrace: "open" },
    { case: "the last tab", open: ["tab-1"], statusAfterGrace: "closed" },
  ])(
    "a tab whose close woke it ($case) leaves as from a room that never slept",
    async ({ open, statusAfterGrace }) => {
      const { clock, tuples, after } = await woken(open);
      const closing = tuples.find((t) => t.id === "tab-1") ?? tab("alice", "tab-1", 0);
      after.presentity.restore(tuples.filter((t) => t.id !== "tab-1")); // its socket is no longer open
      await after.presentity.leave(closing);
      await clock.advance(GRACE + WINDOW * 2);
      expect(after.presentity.deviceTuples().map((t) => t.id)).toEqual(open.filter((id) => id !== "tab-1"));
      expect(statuses(after).at(-1)).toBe(statusAfterGrace);
      expect(notified(after).length).toBeGreaterThan(0);
    },
  );

  it("a second close of a device that already left puts nothing back (no OPEN flap)", async () => {
    const { clock, tuples, after } = await woken(["tab-1"]);
    after.presentity.restore(tuples);
    const [only] = tuples;
    if (!only) throw new Error("no tuple");
    await after.presentity.leave(only);
    await clock.advance(GRACE + WINDOW * 2);
    expect(statuses(after).at(-1)).toBe("closed");
    const told = notified(after).length;
    await after.presentity.leave(only);
    await clock.advance(GRACE + WINDOW * 2);
    expect(notified(after)).toHaveLength(told);
    expect(after.presentity.view().view.status).toBe("closed");
  });
});

describe("notifications to each subscriber", () => {
  it("rapid changes are coalesced: the first at once, the latest at the window's end, in order", async () => {
    const parts = await setup();
    await parts.connect("tab-1");
    await parts.clock.advance(WINDOW);
    for (let i = 0; i < 10; i++) {
      await parts.presentity.setChosen({ availability: "available", note: `change ${i}`, invisible: false });
    }
    expect(notified(parts).map((n) => n.view.note)).toEqual([undefined, "change 0"]);
    await parts.clock.advance(WINDOW);
    expect(notified(parts).map((n) => n.view.note)).toEqual([undefined, "change 0", "change 9"]);
    await parts.clock.advance(WINDOW * 5);
    expect(notified(parts)).toHaveLength(3); // nothing follows the final state
    // The principal's own tabs see every change.
    expect(selfViews(parts).filter((v) => v.note?.startsWith("change"))).toHaveLength(10);
  });

  it("the window is the deployment's: a shorter one holds a change back only that long", async () => {
    const clock = fakeClock();
    const parts = {
      clock,
      ...(await presenceParts({ clock, people: ["bob"], coalescing: { windowMs: 200 } })),
    };
    await parts.privacy.setRules(rules({ default: { action: "allow", show: "lastSeen" } }));
    await parts.subscriptions.requested("bob", false);
    await clock.advance(200);
    await parts.connect("tab-1");
    await parts.presentity.setChosen({ availability: "busy", invisible: false });
    expect(notified(parts).map((n) => n.view.availability)).toEqual(["available"]);
    await clock.advance(199);
    expect(notified(parts)).toHaveLength(1);
    await clock.advance(1);
    expect(notified(parts).map((n) => n.view.availability)).toEqual(["available", "busy"]);
  });

  it("a change back to what was last sent within the window sends nothing more", async () => {
    const parts = await setup();
    await parts.connect("tab-1");
    await parts.clock.advance(WINDOW);
    await parts.presentity.setChosen({ availability: "busy", invisible: false });
    await parts.presentity.setChosen({ availability: "available", invisible: false });
    await parts.presentity.setChosen({ availability: "busy", invisible: false });
    await parts.clock.advance(WINDOW * 2);
    expect(notified(parts).map((n) => n.view.availability)).toEqual(["available", "busy"]);
  });

  it("carry a sequence number that only grows, kept across a restart", async () => {
    const clock = fakeClock();
    const storage = new MemoryStorage();
    const parts = await setup(clock, storage);
    await parts.connect("tab-1");
    for (let i = 0; i < 3; i++) {
      await clock.advance(WINDOW);
      await parts.presentity.setChosen({ availability: "available", note: `n${i}`, invisible: false });
    }
    const seqs = notified(parts).map((n) => n.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const last = parts.presentity.view().seq;
    const bumped = parts.presentity.bumpSeq();
    expect(bumped).toBe(last + 1);
    await clock.advance(0);

    const again = await presenceParts({ clock, storage, people: ["bob", "carol"] });
    expect(again.presentity.view().seq).toBe(bumped);
    expect(again.presentity.chosenState()).toMatchObject({ note: "n2" });
  });

  it("each subscriber gets only what their rule shows, and none at all while pending", async () => {
    const parts = await setup();
    await parts.privacy.setRules(
      rules({
        default: { action: "allow", show: "lastSeen" },
        people: {
          bob: { action: "allow", show: "availability" },
          carol: { action: "confirm", show: "lastSeen" },
        },
      }),
    );
    parts.toWatchers.clear();
    await parts.connect("tab-1");
    await parts.clock.advance(WINDOW);
    await parts.presentity.setChosen({ availability: "busy", note: "secret", invisible: false });
    await parts.clock.advance(WINDOW);
    for (const { view } of notified(parts, "bob")) {
      expect(Object.keys(view).sort()).toEqual(["availability", "contact", "handle", "status"]);
    }
    expect(notified(parts, "carol")).toEqual([]);
  });

  it("a principal who turned invisible, then signs out, shows last seen from when they hid", async () => {
    const parts = await setup();
    await parts.connect("tab-1");
    await parts.clock.advance(WINDOW);
    const hidAt = parts.clock.now();
    await parts.presentity.setChosen({ availability: "available", invisible: true });
    await parts.clock.advance(60_000);
    await parts.presentity.disconnect("tab-1");
    await parts.clock.advance(GRACE * 2);
    expect(parts.presentity.view().view).toEqual({ handle: "alice", status: "closed", lastSeen: hidAt });
    expect(parts.presentity.signedOutSince()).toBe(hidAt);
  });
});
