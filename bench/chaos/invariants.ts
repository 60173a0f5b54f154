import { LIMITS, type PrivacySettings, type StoredMessage } from "@pim/protocol";
import { knowledgeOf } from "./actors.ts";
import { canonicalJson, type Principal, sleep, type World } from "./world.ts";

export type Violation = { invariant: string; detail: string; involved: string[] };

/** Bounds the server was started with (its environment), checked against what rooms hold. */
export type Bounds = { activeSubscribers: number; waiting: number; refused: number; watcherRecords: number };

export type CheckResult = {
  violations: Violation[];
  /** How many things each invariant looked at. */
  checked: Map<string, number>;
  figures: Map<string, number>;
};

/** How long after the quiet moment views may take to agree with the oracle. */
const VIEW_SETTLE_MS = 8_000;
/** After a privacy change, its effect on a watcher's tabs may take this long. */
const RULE_SETTLE_MS = 2_000;

type Snapshot = {
  histories: Map<string, Map<string, StoredMessage[]>>;
  subscribers: Map<string, Array<{ handle: string; state: string; anonymous?: boolean }>>;
  buddies: Map<string, Array<{ handle: string; state: string }>>;
  watchers: Map<
    string,
    Array<{ id: string; handle: string | null; kind: string; counts: { hour: number; month: number } }>
  >;
};

async function json<T>(p: Principal, path: string): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const reply = await p.http("GET", path);
    if (reply.status === 200) return reply.body as T;
    if (attempt >= 5)
      throw new Error(`${p.handle} GET ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
    await sleep(500);
  }
}

/** Every stored thing of every principal, read through the routes. */
async function snapshot(world: World): Promise<Snapshot> {
  const snap: Snapshot = {
    histories: new Map(),
    subscribers: new Map(),
    buddies: new Map(),
    watchers: new Map(),
  };
  for (const p of world.principals) {
    const { conversations } = await json<{ conversations: Array<{ with: string }> }>(p, "/conversations");
    const histories = new Map<string, StoredMessage[]>();
    for (const { with: peer } of conversations) {
      const all: StoredMessage[] = [];
      let before: number | undefined;
      for (let page = 0; page < 1000; page++) {
        const body = await json<{ messages: StoredMessage[]; before?: number }>(
          p,
          `/conversations/${peer}/messages?limit=200${before ? `&before=${before}` : ""}`,
        );
        all.push(...body.messages);
        if (body.before === undefined) break;
        before = body.before;
      }
      histories.set(
        peer,
        all.sort((a, b) => a.seq - b.seq),
      );
    }
    snap.histories.set(p.handle, histories);
    snap.subscribers.set(p.handle, (await json<{ subscribers: [] }>(p, "/subscribers")).subscribers);
    snap.buddies.set(p.handle, (await json<{ buddies: [] }>(p, "/buddies")).buddies);
    snap.watchers.set(p.handle, (await json<{ watchers: [] }>(p, "/watchers")).watchers);
  }
  return snap;
}

/** The effective access rule of `owner` for `watcher` over [from, to]: one known rule, or null. */
function ruleOver(owner: Principal, watcher: string, from: number, to: number): string | null {
  const spans = knowledgeOf(owner).privacy;
  let rule: string | null | undefined;
  for (let i = -1; i < spans.length; i++) {
    const span = i === -1 ? { from: 0, settings: INITIAL } : spans[i];
    if (!span) continue;
    const end = spans[i + 1]?.from ?? Number.POSITIVE_INFINITY;
    if (end <= from || span.from > to) continue;
    const here = span.settings ? effective(span.settings, watcher) : null;
    if (here === null) return null;
    if (rule !== undefined && rule !== here) return null;
    rule = here;
  }
  return rule ?? null;
}

/** Settings of a new principal: the default rules, nobody blocked. */
const INITIAL: PrivacySettings = {
  rules: { default: { action: "confirm", show: "lastSeen" }, people: {}, groups: [], refuseAnonymous: false },
  delivery: { whoMayWrite: "anyone", whileClosed: "accept", alwaysThrough: [], readReceipts: true },
  visibility: { anonymous: false, presentities: {} },
  blocked: [],
};

function effective(settings: PrivacySettings, watcher: string): string {
  if (settings.blocked.includes(watcher)) return "block";
  const rule = Object.hasOwn(settings.rules.people, watcher)
    ? settings.rules.people[watcher]
    : settings.rules.default;
  return rule ? `${rule.action}/${rule.show}` : "unknown";
}

export async function checkInvariants(world: World, bounds: Bounds): Promise<CheckResult> {
  const violations: Violation[] = [];
  const checked = new Map<string, number>();
  const figures = new Map<string, number>();
  const count = (name: string, n = 1) => {
    checked.set(name, (checked.get(name) ?? 0) + n);
  };
  const fail = (invariant: string, detail: string, involved: string[]) =>
    violations.push({ invariant, detail, involved });

  // Views first, while the tabs are as the quiet moment left them; retried while they settle.
  const viewProblems = await settleViews(world, count);
  for (const v of viewProblems) violations.push(v);

  const snap = await snapshot(world);

  // --- Messages: exactly once on each side, in order, acknowledged once; blocked ones kept out.
  const where = (holder: string, peer: string, id: string) =>
    (snap.histories.get(holder)?.get(peer) ?? []).filter((m) => m.id === id);
  let lost = 0;
  let duplicated = 0;
  for (const m of world.messages.values()) {
    count("messages");
    const sender = world.byHandle(m.from) as Principal;
    const recipient = world.byHandle(m.to) as Principal;
    const inSender = where(m.from, m.to, m.id).filter((s) => s.from === m.from);
    const inRecipient = where(m.to, m.from, m.id).filter((s) => s.from === m.from);
    const final = m.acks[m.acks.length - 1];
    const ids = [m.id, m.from, m.to];
    if (m.acks.length > 1) {
      fail(
        "acknowledged once",
        `${m.id} was acknowledged ${m.acks.length} times: ${m.acks.map((a) => a.state).join(", ")}`,
        ids,
      );
    }
    if (inSender.length > 1 || inRecipient.length > 1) {
      duplicated += 1;
      fail(
        "stored once",
        `${m.id} is ${inSender.length}× in ${m.from}'s history, ${inRecipient.length}× in ${m.to}'s`,
        ids,
      );
      continue;
    }
    const senderKept = !sender.deleted.has(m.id);
    const recipientKept = !recipient.deleted.has(m.id);
    if (!final) {
      if (m.orphaned) {
        count("orphaned messages");
        // No one will resend it. The sender's room finishes it by itself: a copy still "sending"
        // is a message it never finished; a delivered one is in the recipient's history, a
        // refused one is not; or it is nowhere (it never left its browser).
        const copy = inSender[0];
        const expected = copy ? (copy.state === "delivered" || copy.state === "read" ? 1 : 0) : 0;
        if (copy?.state === "sending" || (senderKept && recipientKept && inRecipient.length !== expected)) {
          fail(
            "an unacknowledged message is finished by the sender's room",
            `${m.id} (its device vanished for good) is ${copy ? copy.state : "not"} in ${m.from}'s history and ${inRecipient.length}× in ${m.to}'s`,
            ids,
          );
        }
        continue;
      }
      lost += 1;
      fail(
        "every message is acknowledged once its device resends it",
        `${m.id} was never acknowledged (sent ${m.attempts}×)`,
        ids,
      );
      continue;
    }
    if (final.state === "delivered" || final.state === "read") {
      count("acknowledged delivered");
      if (recipientKept && inRecipient.length !== 1) {
        lost += 1;
        fail(
          "acknowledged means in the recipient's history",
          `${m.id} acknowledged ${final.state}, ${inRecipient.length}× in ${m.to}'s history`,
          ids,
        );
      }
      if (senderKept && inSender.length !== 1) {
        fail(
          "acknowledged means in the sender's history",
          `${m.id} acknowledged ${final.state}, ${inSender.length}× in ${m.from}'s history`,
          ids,
        );
      }
      const stored = inSender[0];
      if (stored && stored.state !== "delivered" && stored.state !== "read") {
        fail(
          "the sender's copy says what the acknowledgement said",
          `${m.id} acknowledged ${final.state}, stored ${stored.state}`,
          ids,
        );
      }
    } else {
      count("acknowledged failed");
      if (!final.reason) fail("a failure has a reason", `${m.id} failed without a reason`, ids);
      if (inRecipient.length > 0) {
        fail(
          "failed means not delivered",
          `${m.id} acknowledged failed (${final.reason}) but is in ${m.to}'s history`,
          ids,
        );
      }
      // Blocked senders never get a message in: sent and answered while the block certainly held.
      if (m.firstWireAt !== undefined && ruleOver(recipient, m.from, m.firstWireAt, final.at) === "block") {
        count("messages sent while blocked");
      }
    }
    if (m.firstWireAt !== undefined && inRecipient.length > 0) {
      const endAt = final?.at ?? m.firstWireAt;
      if (ruleOver(recipient, m.from, m.firstWireAt - 50, endAt) === "block") {
        fail(
          "blocked senders never get a message in",
          `${m.id} was sent and answered while ${m.to} blocked ${m.from}, yet it is in ${m.to}'s history`,
          ids,
        );
      }
    }
  }
  figures.set("lost", lost);
  figures.set("duplicated", duplicated);

  // Order per sending device and recipient, on both sides.
  const byDevice = new Map<string, number>();
  for (const m of world.messages.values()) byDevice.set(m.id, m.order);
  const deviceOf = new Map([...world.messages.values()].map((m) => [m.id, m.device]));
  for (const [holder, conversations] of snap.histories) {
    for (const [peer, messages] of conversations) {
      const lastOrder = new Map<string, number>();
      for (const message of messages) {
        const device = deviceOf.get(message.id);
        const order = byDevice.get(message.id);
        if (!device || order === undefined) {
          fail("no message appears that no one sent", `${message.id} in ${holder}'s history with ${peer}`, [
            holder,
            peer,
            message.id,
          ]);
          continue;
        }
        count("order");
        const before = lastOrder.get(device);
        if (before !== undefined && before > order) {
          fail(
            "messages keep the order they were sent in",
            `${holder}'s history with ${peer}: ${message.id} (written ${order}th on ${device}) after one written ${before}th`,
            [holder, peer, message.id],
          );
        }
        lastOrder.set(device, Math.max(before ?? 0, order));
      }
    }
  }

  // --- Watcher information and subscriptions agree with what happened.
  const kinds = new Map<string, number>([
    ["subscriber", 0],
    ["fetcher", 0],
    ["poller", 0],
  ]);
  const expectedSubscribers = { n: 0 };
  for (const presentity of world.principals) {
    const rows = snap.watchers.get(presentity.handle) ?? [];
    const subscribers = snap.subscribers.get(presentity.handle) ?? [];
    const atBound = rows.length >= bounds.watcherRecords;
    for (const row of rows) kinds.set(row.kind, (kinds.get(row.kind) ?? 0) + 1);
    for (const s of subscribers) if (s.state !== "ended" && !s.anonymous) expectedSubscribers.n += 1;
    for (const watcher of world.principals) {
      if (watcher === presentity) continue;
      const k = knowledgeOf(watcher);
      // Their record in use may be an anonymous one: the named row and subscription say less.
      const namedInUse = !k.lastNotNamed.has(presentity.handle);
      if (!namedInUse) count("watcher pairs whose record in use may be anonymous");
      const ops = k.watchOps.get(presentity.handle) ?? { answered: 0, attempted: 0 };
      const row = rows.find((r) => r.handle === watcher.handle);
      const ids = [presentity.handle, watcher.handle];
      count("watcher pairs");
      if (row && ops.attempted === 0) {
        fail(
          "watcher information names only real watchers",
          `${presentity.handle} lists ${watcher.handle}, who never subscribed or fetched`,
          ids,
        );
      }
      if (!row && ops.answered > 0 && !atBound) {
        fail(
          "watcher information keeps every watcher",
          `${presentity.handle} answered ${watcher.handle} ${ops.answered}× but does not list them`,
          ids,
        );
      }
      if (row) {
        if (row.counts.month > ops.attempted || (!atBound && row.counts.month < ops.answered)) {
          fail(
            "watcher counts agree with what happened",
            `${presentity.handle} counts ${row.counts.month} from ${watcher.handle}; answered ${ops.answered}, tried ${ops.attempted}`,
            ids,
          );
        }
        const subscription = subscribers.find((s) => s.handle === watcher.handle && !s.anonymous);
        const subscribed = subscription !== undefined && subscription.state !== "ended";
        if (namedInUse && (row.kind === "subscriber") !== subscribed) {
          fail(
            "a watcher is a subscriber exactly while subscribed",
            `${presentity.handle} lists ${watcher.handle} as ${row.kind}, subscription ${subscription?.state ?? "none"}`,
            ids,
          );
        }
      }
      // Both rooms agree on the subscription's state.
      const buddy = snap.buddies.get(watcher.handle)?.find((b) => b.handle === presentity.handle);
      const subscription = subscribers.find((s) => s.handle === watcher.handle && !s.anonymous);
      if (namedInUse && buddy && (buddy.state === "active" || buddy.state === "pending")) {
        count("subscriptions");
        if (!subscription || subscription.state !== buddy.state) {
          fail(
            "both rooms agree on a subscription",
            `${watcher.handle} has ${presentity.handle} as ${buddy.state}; ${presentity.handle} has ${watcher.handle} as ${subscription?.state ?? "nothing"}`,
            ids,
          );
        }
      }
    }
  }
  for (const [kind, n] of kinds) figures.set(`watchers: ${kind}`, n);
  figures.set("subscriptions not ended", expectedSubscribers.n);

  // --- Polite-blocked watchers never saw a change after their block.
  for (const presentity of world.principals) {
    for (const watcher of world.principals) {
      if (watcher === presentity || knowledgeOf(watcher).anonymousTowards.has(presentity.handle)) continue;
      const seen = world.viewsSeen.filter(
        (v) => v.watcher === watcher.handle && v.presentity === presentity.handle,
      );
      let frozen: { view: string; since: number } | null = null;
      for (const v of seen) {
        const rule = ruleOver(presentity, watcher.handle, v.at - RULE_SETTLE_MS, v.at);
        if (!rule?.startsWith("polite-block/") || v.state !== "active") {
          frozen = null;
          continue;
        }
        count("views seen while polite-blocked");
        if (JSON.parse(v.view)?.status !== "closed") {
          fail(
            "a polite-blocked watcher sees only CLOSED",
            `${watcher.handle} was shown ${v.view} of ${presentity.handle} (${rule})`,
            [presentity.handle, watcher.handle],
          );
        }
        if (frozen && frozen.view !== v.view) {
          fail(
            "polite-blocked watchers never see a change after their block",
            `${watcher.handle} saw ${presentity.handle} change from ${frozen.view} to ${v.view} under ${rule}`,
            [presentity.handle, watcher.handle],
          );
        }
        frozen ??= { view: v.view, since: v.at };
      }
    }
  }

  // --- Storage per principal stays within the documented bounds.
  for (const p of world.principals) {
    count("storage bounds");
    const subscribers = snap.subscribers.get(p.handle) ?? [];
    const by = (state: string) => subscribers.filter((s) => s.state === state).length;
    const buddies = snap.buddies.get(p.handle)?.length ?? 0;
    const watchers = snap.watchers.get(p.handle)?.length ?? 0;
    const conversations = snap.histories.get(p.handle)?.size ?? 0;
    const limits: Array<[string, number, number]> = [
      ["buddies", buddies, Math.min(LIMITS.maxBuddies, world.principals.length - 1)],
      ["active subscribers", by("active"), bounds.activeSubscribers],
      ["watcher records", watchers, bounds.watcherRecords],
      ["conversations", conversations, world.principals.length - 1],
      ["subscriptions (one per watcher)", subscribers.length, world.principals.length - 1],
    ];
    for (const [what, n, max] of limits) {
      figures.set(`max ${what}`, Math.max(figures.get(`max ${what}`) ?? 0, n));
      if (n > max)
        fail("storage stays within its bounds", `${p.handle} holds ${n} ${what}, more than ${max}`, [
          p.handle,
        ]);
    }
    // The waiting and refused caps bound what ASKERS can add (admitSubscription); the principal's
    // own rule changes and refusals move subscriptions there whatever the count (decision 17), so
    // they may go past the caps. Counted, not failed: see the notes on issue #12.
    const soft: Array<[string, number, number]> = [
      ["waiting requests", by("pending"), bounds.waiting],
      ["refused kept", by("refused"), bounds.refused],
    ];
    for (const [what, n, max] of soft) {
      figures.set(`max ${what}`, Math.max(figures.get(`max ${what}`) ?? 0, n));
      const over = `principals over the ${what} cap`;
      if (n > max) figures.set(over, (figures.get(over) ?? 0) + 1);
    }
    for (const [peer, messages] of snap.histories.get(p.handle) ?? []) {
      const written = [...world.messages.values()].filter(
        (m) => (m.from === p.handle && m.to === peer) || (m.from === peer && m.to === p.handle),
      ).length;
      if (messages.length > written) {
        fail(
          "storage stays within its bounds",
          `${p.handle} holds ${messages.length} messages with ${peer}; ${written} were written`,
          [p.handle, peer],
        );
      }
    }
  }
  return { violations, checked, figures };
}

/**
 * Every buddy shown on every open tab equals what the presentity's room would send that watcher
 * now ("see what X sees", the oracle), and the tab's list is the room's. Retried while it settles.
 */
async function settleViews(world: World, count: (name: string, n?: number) => void): Promise<Violation[]> {
  const deadline = Date.now() + VIEW_SETTLE_MS;
  for (;;) {
    const problems: Violation[] = [];
    let compared = 0;
    for (const watcher of world.principals) {
      const roomList = (
        await json<{ buddies: Array<{ handle: string; state: string; view?: unknown }> }>(watcher, "/buddies")
      ).buddies;
      const roomStates = new Map(roomList.map((b) => [b.handle, b.state]));
      const previews = new Map<string, { view: unknown; state: string }>();
      for (const device of watcher.devices) {
        const socket = device.socket;
        if (!socket?.ready) continue;
        const tabStates = new Map([...socket.buddies.values()].map((b) => [b.handle, b.state]));
        if (canonicalJson([...tabStates].sort()) !== canonicalJson([...roomStates].sort())) {
          problems.push({
            invariant: "a tab shows its room's buddy list",
            detail: `${watcher.handle}/${device.label} shows ${canonicalJson([...tabStates].sort())}, the room has ${canonicalJson([...roomStates].sort())}`,
            involved: [watcher.handle],
          });
        }
        for (const buddy of socket.buddies.values()) {
          const presentity = world.byHandle(buddy.handle);
          if (!presentity || (buddy.state !== "active" && buddy.state !== "pending")) continue;
          if (knowledgeOf(watcher).lastNotNamed.has(buddy.handle)) continue;
          let preview = previews.get(buddy.handle);
          if (!preview) {
            preview = await json<{ view: unknown; state: string }>(
              presentity,
              `/privacy/preview/${watcher.handle}`,
            );
            previews.set(buddy.handle, preview);
          }
          compared += 1;
          const expected = canonicalJson(buddy.state === "active" ? preview.view : null);
          const shown = canonicalJson(buddy.view ?? null);
          if (expected !== shown) {
            problems.push({
              invariant: "every buddy's view on every tab is what the presentity's room would send now",
              detail: `${watcher.handle}/${device.label} shows ${buddy.handle} as ${buddy.state} ${shown}; ${buddy.handle}'s room would send ${expected} (${preview.state}); ${watcher.handle}'s room holds ${canonicalJson(roomList.find((b) => b.handle === buddy.handle)?.view ?? null)}`,
              involved: [watcher.handle, buddy.handle],
            });
          }
        }
      }
    }
    if (problems.length === 0 || Date.now() > deadline) {
      count("buddy views on tabs", compared);
      return problems;
    }
    await sleep(1_000);
  }
}
