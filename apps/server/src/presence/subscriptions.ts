import {
  type AccessDecision,
  type Admission,
  type Answer,
  admitSubscription,
  type Bucket,
  countSubscriptions,
  DEFAULT_SUBSCRIBER_LIMITS,
  DEFAULT_WATCHER_POLICY,
  decideAccess,
  decisionShown,
  FETCH_RATE,
  isExpired,
  isPossibleStalker,
  type LiveSubscription,
  nextForFreedPlace,
  planReevaluation,
  politeSince,
  type RatePolicy,
  recordWatch,
  type SubscriberCounts,
  type SubscriberLimits,
  subscriptionState,
  take,
  viewForWatcher,
  type WatcherPolicy,
  watchCounts,
  watcherKind,
  watchersToForget,
  watcherViewKey,
} from "@pim/model";
import type { PresenceView, Subscriber, SubscriptionState, WatcherInfo, WatcherPreview } from "@pim/protocol";
import type { Affected, PrivacySettings } from "../privacy/privacy-settings.ts";
import { Refusal } from "../refusal.ts";
import {
  keyOf,
  type SubscriberRecord,
  type WatcherRecord,
  type WatchStore,
  watcherKey,
} from "../store/watch-store.ts";
import type { Presentity } from "./presentity.ts";

/** What the presentity's own tabs and the subscriber's room are told when a subscription moves. */
/** What subscriptions read of the presentity: its view, its sequence, its coalescing per watcher. */
export type SubscriptionPresence = Pick<
  Presentity,
  "view" | "welcome" | "forget" | "resend" | "bumpSeq" | "signedOutSince"
>;
/** What subscriptions read of the privacy settings: the access rules and the blocklist. */
export type SubscriptionPrivacy = Pick<PrivacySettings, "accessPolicy" | "blocklist">;

export type SubscriptionOutlets = {
  toSelf(subscriber: Subscriber): void;
  watcherToSelf(watcher: WatcherInfo): void;
  /** A watcher's entry was forgotten, by its id (alias for an anonymous watcher). */
  watcherRemovedToSelf(id: string): void;
  /** Tells the subscriber's room where its subscription stands (with the view when active). */
  tellSubscriber(
    subscriber: string,
    state: SubscriptionState,
    view: PresenceView | undefined,
    seq: number,
  ): Promise<void>;
};

/** How a fetch was answered: the view, or why there is none. */
export type FetchAnswer = {
  state?: SubscriptionState;
  access: "granted" | "pending" | "refused" | "rate_limited";
  view?: PresenceView;
  seq: number;
  /** Seconds until this watcher may fetch again (when rate-limited). */
  retryAfter?: number;
};

/** Watcher-information rows go to the principal's tabs at most this often per watcher. */
const WATCHER_EVENT_EVERY_MS = 1000;
/** A fetch refused for its rate is counted at once but stored at most this often. */
const DEFERRED_WRITE_MS = 5000;

/**
 * The presentity's side of WATCHERS: SUBSCRIPTIONS, FETCHES, the ACCESS RULES deciding each,
 * and the record of every watcher's activity (WATCHER INFORMATION). Decisions are the model's
 * (`decideAccess`, `decisionShown`, `viewForWatcher`, `watcherKind`); this class keeps records
 * and sends.
 *
 * Records are keyed by `watcherKey(handle, anonymous)`: a watcher's anonymous watching is its own
 * record (own alias, first-seen time, counts and answer). The record in use for a handle is the
 * one most recently active. What the principal's tabs are shown of an anonymous record depends
 * only on the anonymous-level rules (`decisionShown`), and changes to rules about a handle send
 * nothing about an alias unless its row changed, so trying handles cannot unmask anyone.
 */
export class Subscriptions {
  private subscribers = new Map<string, SubscriberRecord>();
  private watchers = new Map<string, WatcherRecord>();
  private readonly fetchBuckets = new Map<string, Bucket>();
  /** The last row each of the principal's tabs was sent, by id: unchanged rows are not sent again. */
  private readonly sentRows = new Map<string, string>();
  private readonly sentSubscribers = new Map<string, string>();
  private readonly heldRows = new Map<string, WatcherInfo>();
  private readonly rowTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly deferredWrites = new Set<string>();
  private deferredTimer: ReturnType<typeof setTimeout> | null = null;
  /** The views built of each view, by `watcherViewKey`: forgotten with the view. */
  private readonly builtViews = new WeakMap<PresenceView, Map<string, PresenceView>>();

  constructor(
    private readonly store: WatchStore,
    private readonly presentity: SubscriptionPresence,
    private readonly privacy: SubscriptionPrivacy,
    private readonly outlets: SubscriptionOutlets,
    private readonly now: () => number,
    private readonly policy: WatcherPolicy = DEFAULT_WATCHER_POLICY,
    private readonly limits: SubscriberLimits = DEFAULT_SUBSCRIBER_LIMITS,
    private readonly fetchRate: RatePolicy = FETCH_RATE,
  ) {}

  async load(): Promise<void> {
    [this.subscribers, this.watchers] = await Promise.all([this.store.subscribers(), this.store.watchers()]);
  }

  /** Whether any watcher record is kept (then the room prunes them on an alarm). */
  hasWatchers(): boolean {
    return this.watchers.size > 0;
  }

  /** Subscribers with their current state (for fan-out). */
  all(): Iterable<SubscriberRecord> {
    return this.subscribers.values();
  }

  /** Subscriptions to me, newest first, anonymous watchers under their alias. */
  list(): Subscriber[] {
    return [...this.subscribers.values()]
      .map((s) => this.publicSubscriber(s))
      .sort((a, b) => b.requestedAt - a.requestedAt);
  }

  /**
   * The access decision for a watcher now, and their subscription state under it: as their
   * record in use says they watch (named or anonymous) unless `anonymous` is given.
   */
  decide(
    watcher: string,
    anonymous?: boolean,
  ): { decision: AccessDecision; answer: Answer; state: SubscriptionState } {
    const asAnonymous = anonymous ?? this.current(watcher)?.anonymous ?? false;
    const privacy = this.privacy;
    const decision = decideAccess(privacy.accessPolicy(), privacy.blocklist(), {
      handle: watcher,
      anonymous: asAnonymous,
    });
    const answer = this.watchers.get(watcherKey(watcher, asAnonymous))?.answer;
    return { decision, answer, state: subscriptionState(decision, answer) };
  }

  /**
   * What this watcher may see of a view; null when nothing (pending or refused). Watchers the
   * rules treat alike get the same view object (`watcherViewKey`), so a fan-out builds, compares
   * and serializes each distinct view once.
   */
  transform(watcher: string, view: PresenceView): PresenceView | null {
    const { decision, answer } = this.decide(watcher);
    const since = this.current(watcher)?.politeSince ?? undefined;
    const key = watcherViewKey(decision, answer, since);
    if (key === null) return null;
    let built = this.builtViews.get(view);
    if (!built) {
      built = new Map();
      this.builtViews.set(view, built);
    }
    let shown = built.get(key);
    if (!shown) {
      shown = viewForWatcher(view, decision, answer, since) ?? undefined;
      if (shown) built.set(key, shown);
    }
    return shown ?? null;
  }

  /** "See what X sees": exactly what this room would send X now (as a named watcher). */
  preview(watcher: string): WatcherPreview {
    // Only their named record: what an alias was answered is not shown under a handle, or trying
    // handles here would tell which one hides behind an alias.
    const record = this.watchers.get(watcherKey(watcher, false));
    const privacy = this.privacy;
    const decision = decideAccess(privacy.accessPolicy(), privacy.blocklist(), {
      handle: watcher,
      anonymous: false,
    });
    const answer = record?.answer;
    const state = subscriptionState(decision, answer);
    const since = politeSince(decision.action, record?.politeSince, this.presentity.signedOutSince());
    const view = viewForWatcher(this.presentity.view().view, decision, answer, since);
    return { watcher, decision, state, view };
  }

  /** A watcher's room asks to subscribe. */
  async requested(
    watcher: string,
    anonymous: boolean,
  ): Promise<{ state: SubscriptionState; view?: PresenceView; seq?: number }> {
    const existing = this.subscribers.get(watcher);
    // Asking again after a "no" is a new question; a block is what stops it for good.
    const asked = this.decide(watcher, anonymous);
    const next = subscriptionState(asked.decision, asked.answer === "deny" ? undefined : asked.answer);
    const admission = this.admit(existing?.state, next);
    if (admission.kind === "full") throw fullError(admission.which);
    const record = await this.recordActivity(watcher, anonymous, (r) => {
      if (r.answer === "deny") delete r.answer;
    });
    const { state } = this.decide(watcher);
    // Refused records are full: the answer stands, but it is not kept to be re-decided later.
    if (admission.kind === "answer-only") {
      this.emitWatcher(record);
      return { state };
    }
    const subscriber: SubscriberRecord = {
      handle: watcher,
      state,
      requestedAt: existing && existing.state !== "ended" ? existing.requestedAt : this.now(),
      ...(state !== "pending" ? { decidedAt: this.now() } : {}),
    };
    await this.saveSubscriber(subscriber);
    this.emitWatcher(record);
    if (state !== "active") return { state };
    this.presentity.welcome(watcher);
    const { view, seq } = this.viewFor(watcher);
    return { state, seq, ...(view ? { view } : {}) };
  }

  /** The principal answers a watcher (by handle or anonymous alias): approve or deny. */
  async answer(id: string, decision: "approve" | "deny"): Promise<Subscriber> {
    const record = this.resolve(id);
    const watcher = record?.handle;
    const subscriber = watcher === undefined ? undefined : this.subscribers.get(watcher);
    if (watcher === undefined || !record || (!subscriber && record.outcome !== "pending")) {
      throw new Refusal("not_found", `${id} has not asked to watch you.`);
    }
    if (decision === "approve" && subscriber) {
      const next = subscriptionState(this.decide(watcher).decision, "approve");
      const admission = this.admit(subscriber.state, next);
      if (admission.kind === "full") {
        throw new Refusal(
          "limit_reached",
          `You have ${this.limits.active} subscribers, the most there can be. End one before letting ${id} in.`,
        );
      }
    }
    await this.putWatcher({ ...record, answer: decision });
    await this.reevaluate({ watcher });
    this.emitWatcher(this.watchers.get(keyOf(record)));
    const now = this.subscribers.get(watcher);
    return this.publicSubscriber(
      now ?? { handle: watcher, state: this.decide(watcher).state, requestedAt: record.activity.firstAt },
    );
  }

  /** The principal ends a subscription to them; the watcher's room is told. */
  async revoke(id: string): Promise<void> {
    const watcher = this.resolve(id)?.handle;
    const existing = watcher === undefined ? undefined : this.subscribers.get(watcher);
    if (watcher === undefined || !existing || existing.state === "ended")
      throw new Refusal("not_found", `${id} does not watch you.`);
    await this.end(watcher);
    await this.outlets.tellSubscriber(watcher, "ended", undefined, this.presentity.bumpSeq());
  }

  /** The watcher removed me from their buddy list. */
  async unsubscribed(watcher: string): Promise<void> {
    if (this.subscribers.has(watcher)) await this.end(watcher);
  }

  /**
   * A FETCH (or a subscriber's refresh after reconnecting): the view this watcher may see. Fetches
   * are rate-limited per watcher before anything is decided, so the limit's answer says nothing
   * about the rules; refused fetches still count in watcher information.
   */
  async fetched(watcher: string, purpose: "fetch" | "refresh", anonymous: boolean): Promise<FetchAnswer> {
    if (purpose === "fetch") {
      const held = this.fetchBuckets.get(watcher) ?? this.keptAllowance(watcher);
      const allowance = take(held, this.now(), this.fetchRate);
      this.fetchBuckets.set(watcher, allowance.bucket);
      const { state } = this.decide(watcher, anonymous);
      const record = await this.recordActivity(
        watcher,
        anonymous,
        (r) => {
          r.outcome = state;
          r.fetchAllowance = allowance.bucket;
        },
        allowance.ok ? "now" : "deferred",
      );
      this.emitWatcher(record);
      if (!allowance.ok) {
        const retryAfter = Math.max(1, Math.ceil(allowance.retryAfterMs / 1000));
        return { access: "rate_limited", retryAfter, seq: 0 };
      }
    }
    const subscriber = this.subscribers.get(watcher);
    const { state } = this.decide(watcher);
    const { view, seq } = this.viewFor(watcher);
    const access = state === "active" && view ? "granted" : state === "pending" ? "pending" : "refused";
    return {
      ...(subscriber ? { state: subscriber.state } : {}),
      access,
      ...(view && access === "granted" ? { view } : {}),
      seq,
    };
  }

  /**
   * A watcher's fetch allowance as their records keep it (the newest of their named and anonymous
   * one), for a room that was built again since their last fetch.
   */
  private keptAllowance(watcher: string): Bucket | undefined {
    const kept = [false, true].flatMap((anonymous) => {
      const allowance = this.watchers.get(watcherKey(watcher, anonymous))?.fetchAllowance;
      return allowance ? [allowance] : [];
    });
    return kept.sort((a, b) => b.updatedAt - a.updatedAt)[0];
  }

  /** My WATCHER INFORMATION: everyone who subscribed or fetched in the kept period. */
  watcherInformation(): WatcherInfo[] {
    return [...this.watchers.values()]
      .map((record) => this.watcherInfo(record))
      .sort((a, b) => b.lastAt - a.lastAt);
  }

  /**
   * The record a watcher is named by as I see them: by handle (their named record), or an
   * anonymous one only by alias; and only while it is the record in use. A handle names no
   * anonymous watcher, so trying handles against my answers cannot tell who hides behind an alias.
   */
  private resolve(id: string): WatcherRecord | undefined {
    let record: WatcherRecord | undefined;
    if (id.startsWith("anonymous:")) {
      for (const r of this.watchers.values()) if (r.anonymous && r.alias === id) record = r;
    } else {
      record = this.watchers.get(watcherKey(id, false)); // canonical: parsed at the edge
    }
    return record && this.current(record.handle) === record ? record : undefined;
  }

  /** The record in use for a handle: the more recently active of their named and anonymous ones. */
  private current(handle: string): WatcherRecord | undefined {
    const named = this.watchers.get(watcherKey(handle, false));
    const anonymous = this.watchers.get(watcherKey(handle, true));
    if (!named || !anonymous) return named ?? anonymous;
    return anonymous.activity.lastAt > named.activity.lastAt ? anonymous : named;
  }

  /**
   * After a rule, blocklist or answer changed: every affected subscription moves to its new
   * state at once, and active subscribers get the view they may now see, without waiting.
   */
  async reevaluate(affected: Affected): Promise<void> {
    const handles =
      affected === "everyone"
        ? [...new Set([...this.watchers.values()].map((r) => r.handle))]
        : [affected.watcher];
    const presentity = this.presentity;
    for (const watcher of handles) {
      for (const anonymous of [false, true]) {
        const record = this.watchers.get(watcherKey(watcher, anonymous));
        if (!record) continue;
        const { decision } = this.decide(watcher, anonymous);
        const since = politeSince(decision.action, record.politeSince, presentity.signedOutSince());
        if ((record.politeSince ?? undefined) !== since) {
          await this.putWatcher({ ...record, politeSince: since ?? null });
        }
      }
    }
    const tells: Promise<void>[] = [];
    const live = this.live(handles);
    const liveHandles = new Set(live.map((s) => s.handle));
    for (const watcher of handles) {
      if (!liveHandles.has(watcher)) this.emitWatcher(this.current(watcher)); // a fetcher's row shows the new answer too
    }
    for (const { handle: watcher, from, to } of planReevaluation(live, this.counts(), this.limits)) {
      const record = this.current(watcher);
      const subscriber = this.subscribers.get(watcher);
      if (to !== from && subscriber) {
        await this.saveSubscriber({ ...subscriber, state: to, decidedAt: this.now() });
        if (to === "active") presentity.welcome(watcher);
        else presentity.forget(watcher);
        const { view } = this.viewFor(watcher);
        const told = this.outlets.tellSubscriber(watcher, to, view ?? undefined, presentity.bumpSeq());
        // Waiting for an anonymous watcher's room would make this answer slower for the right
        // guess of who they are; their room catches up on its next refresh if this is lost.
        if (!record?.anonymous) tells.push(told);
      } else if (to === "active") {
        const { view } = this.viewFor(watcher);
        if (view) presentity.resend(watcher, view);
      }
      this.emitWatcher(record);
    }
    await Promise.all(tells);
  }

  /** Whether any watcher record is past the kept period (checked in memory, before a prune). */
  hasPrunable(): boolean {
    const now = this.now();
    for (const record of this.watchers.values()) {
      if (isExpired(record.activity, now, this.policy)) return true;
    }
    return false;
  }

  /** The room's alarm: drop watchers not seen for the kept period (not live subscribers). */
  async prune(): Promise<number> {
    await this.flushDeferred();
    const pruned = await pruneStoredWatchers(this.store, this.now(), this.policy);
    const ids = pruned.map((key) => this.watcherId(key));
    if (pruned.length > 0) await this.load();
    for (const id of ids) this.removedToSelf(id);
    return pruned.length;
  }

  private viewFor(watcher: string): { view: PresenceView | null; seq: number } {
    const { view, seq } = this.presentity.view();
    return { view: this.transform(watcher, view), seq };
  }

  private async end(watcher: string): Promise<void> {
    const existing = this.subscribers.get(watcher);
    if (!existing) return;
    this.presentity.forget(watcher);
    await this.saveSubscriber({ ...existing, state: "ended", decidedAt: this.now() });
    this.emitWatcher(this.current(watcher));
    if (existing.state === "active") await this.fillFreedPlace();
  }

  /** An active place came free: the longest-waiting watcher the rules let in takes it. */
  private async fillFreedPlace(): Promise<void> {
    const next = nextForFreedPlace(this.live(this.subscribers.keys()));
    if (next !== undefined) await this.reevaluate({ watcher: next });
  }

  /** The subscriptions of these watchers that are not ended, with what the rules decide for each now. */
  private live(handles: Iterable<string>): LiveSubscription[] {
    const result: LiveSubscription[] = [];
    for (const handle of handles) {
      const s = this.subscribers.get(handle);
      if (!s || s.state === "ended") continue;
      result.push({ handle, state: s.state, requestedAt: s.requestedAt, decided: this.decide(handle).state });
    }
    return result;
  }

  private counts(): SubscriberCounts {
    return countSubscriptions(this.states());
  }

  /** How the principal's tabs know a watcher record: by alias when anonymous. */
  private watcherId(key: string): string {
    const record = this.watchers.get(key);
    return record?.anonymous ? record.alias : (record?.handle ?? key);
  }

  private *states(): Iterable<SubscriptionState> {
    for (const s of this.subscribers.values()) yield s.state;
  }

  private admit(previous: SubscriptionState | undefined, next: SubscriptionState): Admission {
    return admitSubscription(this.counts(), this.limits, previous, next);
  }

  /**
   * What the principal's tabs are shown of an anonymous watcher's state: what the anonymous-level
   * rules and my answer to the alias decide. Only a state the rules do not explain (a place not
   * yet free) is shown as it is, and an ending as ended.
   */
  private shownState(record: WatcherRecord, stored: SubscriptionState | undefined): SubscriptionState {
    const privacy = this.privacy;
    const shown = subscriptionState(
      decisionShown(privacy.accessPolicy(), privacy.blocklist(), record),
      record.answer,
    );
    if (!record.anonymous || stored === undefined) return shown;
    if (stored === "ended") return "ended";
    return stored === this.decide(record.handle, true).state ? shown : stored;
  }

  private publicSubscriber(s: SubscriberRecord): Subscriber {
    const record = this.current(s.handle);
    if (!record?.anonymous) return s;
    // No decidedAt: it moves when rules about their real handle change, which must stay silent.
    return {
      handle: record.alias,
      anonymous: true,
      state: this.shownState(record, s.state),
      requestedAt: Math.max(s.requestedAt, record.activity.firstAt),
    };
  }

  private watcherInfo(record: WatcherRecord): WatcherInfo {
    const now = this.now();
    const subscriber = this.subscribers.get(record.handle);
    const inUse = this.current(record.handle) === record;
    const subscribed = inUse && subscriber !== undefined && subscriber.state !== "ended";
    const privacy = this.privacy;
    const shown = decisionShown(privacy.accessPolicy(), privacy.blocklist(), record);
    return {
      id: record.anonymous ? record.alias : record.handle,
      handle: record.anonymous ? null : record.handle,
      kind: watcherKind(subscribed, record.activity, now, this.policy),
      // A subscription's own state; otherwise what the rules answer them now (after my answer too).
      state: subscribed
        ? this.shownState(record, subscriber.state)
        : inUse && subscriber && !record.outcome
          ? "ended"
          : subscriptionState(shown, record.answer),
      firstAt: record.activity.firstAt,
      lastAt: record.activity.lastAt,
      counts: watchCounts(record.activity, now, this.policy),
      flagged: isPossibleStalker(record.activity, now, this.policy),
      ...(record.anonymous ? {} : { action: shown.action }),
    };
  }

  /**
   * A watcher's row to the principal's tabs: only when it changed, and at most once a second
   * per watcher (the last row always goes out), so a flood of fetches is not a flood of events.
   */
  private emitWatcher(record: WatcherRecord | undefined): void {
    if (!record) return;
    const row = this.watcherInfo(record);
    if (this.sentRows.get(row.id) === JSON.stringify(row) && !this.heldRows.has(row.id)) return;
    if (this.rowTimers.has(row.id)) {
      this.heldRows.set(row.id, row);
      return;
    }
    this.sendRow(row);
    const timer = setTimeout(() => {
      this.rowTimers.delete(row.id);
      const held = this.heldRows.get(row.id);
      this.heldRows.delete(row.id);
      if (held && this.sentRows.get(held.id) !== JSON.stringify(held)) this.sendRow(held);
    }, WATCHER_EVENT_EVERY_MS);
    this.rowTimers.set(row.id, timer);
  }

  private sendRow(row: WatcherInfo): void {
    this.sentRows.set(row.id, JSON.stringify(row));
    this.outlets.watcherToSelf(row);
  }

  private removedToSelf(id: string): void {
    this.sentRows.delete(id);
    this.heldRows.delete(id);
    this.outlets.watcherRemovedToSelf(id);
  }

  private async saveSubscriber(subscriber: SubscriberRecord): Promise<void> {
    this.subscribers.set(subscriber.handle, subscriber);
    await this.store.putSubscriber(subscriber);
    this.emitSubscriber(subscriber);
  }

  /** A subscriber's row to the principal's tabs, only when it changed. */
  private emitSubscriber(subscriber: SubscriberRecord): void {
    const row = this.publicSubscriber(subscriber);
    const sent = JSON.stringify(row);
    if (this.sentSubscribers.get(subscriber.handle) === sent) return;
    this.sentSubscribers.set(subscriber.handle, sent);
    this.outlets.toSelf(row);
  }

  /** Before a new watcher is recorded: forget the ones over the limit, with their ended subscriptions. */
  private async makeRoomForWatcher(now: number): Promise<void> {
    if (this.watchers.size < this.policy.maxRecords) return;
    const kept = [...this.watchers.entries()].map(([key, r]) => {
      const subscriber = this.subscribers.get(r.handle);
      return {
        handle: key,
        activity: r.activity,
        live: !!subscriber && subscriber.state !== "ended",
        frozen: r.politeSince != null,
      };
    });
    const forget = watchersToForget(kept, this.policy.maxRecords - 1, now, this.policy);
    await this.store.deleteWatchers(forget);
    for (const key of forget) {
      this.removedToSelf(this.watcherId(key));
      const handle = this.watchers.get(key)?.handle ?? key;
      this.watchers.delete(key);
      if (!this.current(handle) && this.subscribers.delete(handle)) await this.store.deleteSubscriber(handle);
    }
  }

  private async putWatcher(record: WatcherRecord): Promise<void> {
    this.watchers.set(keyOf(record), record);
    this.deferredWrites.delete(keyOf(record));
    await this.store.putWatcher(record);
  }

  /**
   * Every fetch and subscription request counts, whatever it was answered (refused too), in the
   * record of the way they watch now (named or anonymous). A "deferred" one is stored within a
   * few seconds rather than at once: a flood of refused fetches costs memory, not a write each.
   */
  private async recordActivity(
    watcher: string,
    anonymous: boolean,
    update: (record: WatcherRecord) => void = () => {},
    write: "now" | "deferred" = "now",
  ): Promise<WatcherRecord> {
    const now = this.now();
    const key = watcherKey(watcher, anonymous);
    const existing = this.watchers.get(key);
    if (!existing) await this.makeRoomForWatcher(now);
    const record: WatcherRecord = {
      ...(existing ?? { handle: watcher, alias: newAlias() }),
      anonymous,
      activity: recordWatch(existing?.activity, now, this.policy),
    } as WatcherRecord;
    const { action } = this.decide(watcher, anonymous).decision;
    if (action === "polite-block") {
      record.politeSince = politeSince(action, record.politeSince, this.presentity.signedOutSince()) ?? null;
    }
    update(record);
    if (write === "deferred" && existing) {
      this.watchers.set(key, record);
      this.deferWrite(key);
    } else {
      await this.putWatcher(record);
    }
    return record;
  }

  private deferWrite(key: string): void {
    this.deferredWrites.add(key);
    this.deferredTimer ??= setTimeout(() => void this.flushDeferred(), DEFERRED_WRITE_MS);
  }

  private async flushDeferred(): Promise<void> {
    if (this.deferredTimer) clearTimeout(this.deferredTimer);
    this.deferredTimer = null;
    const keys = [...this.deferredWrites];
    this.deferredWrites.clear();
    for (const key of keys) {
      const record = this.watchers.get(key);
      if (record) await this.store.putWatcher(record);
    }
  }
}

/**
 * Deletes watcher information older than the policy keeps, straight from storage (the alarm may
 * run before the room is loaded), and returns the deleted records' keys. Live subscriptions are
 * kept, however old.
 */
export async function pruneStoredWatchers(
  store: WatchStore,
  now: number,
  policy: WatcherPolicy,
): Promise<string[]> {
  const [subscribers, watchers] = await Promise.all([store.subscribers(), store.watchers()]);
  const expired = [...watchers.entries()]
    .filter(([, r]) => isExpired(r.activity, now, policy))
    .filter(([, r]) => {
      const s = subscribers.get(r.handle);
      return !s || s.state === "ended";
    });
  await store.deleteWatchers(expired.map(([key]) => key));
  const expiredKeys = new Set(expired.map(([key]) => key));
  const remaining = new Set(
    [...watchers.entries()].filter(([key]) => !expiredKeys.has(key)).map(([, r]) => r.handle),
  );
  for (const [, r] of expired) {
    if (subscribers.has(r.handle) && !remaining.has(r.handle)) await store.deleteSubscriber(r.handle);
  }
  return expired.map(([key]) => key);
}

/** An opaque name for an anonymous watcher; the colon keeps it from ever being a handle. */
function newAlias(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `anonymous:${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function fullError(which: "active" | "waiting"): Refusal {
  return which === "active"
    ? new Refusal("limit_reached", "That principal cannot take more subscribers.")
    : new Refusal(
        "limit_reached",
        "That principal has too many requests waiting for an answer. Try again later.",
      );
}
