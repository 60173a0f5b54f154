import {
  type AccessDecision,
  type Admission,
  type Answer,
  admitSubscription,
  countSubscriptions,
  DEFAULT_SUBSCRIBER_LIMITS,
  DEFAULT_WATCHER_POLICY,
  decideAccess,
  isExpired,
  isPossibleStalker,
  recordWatch,
  type SubscriberLimits,
  subscriptionState,
  viewForWatcher,
  type WatcherPolicy,
  watchCounts,
  watcherKind,
  watchersToForget,
} from "@pim/model";
import type { PresenceView, Subscriber, SubscriptionState, WatcherInfo, WatcherPreview } from "@pim/protocol";
import { ApiError } from "../http/api-error.ts";
import type { Affected, PrivacySettings } from "../privacy/privacy-settings.ts";
import type { SubscriberRecord, WatcherRecord, WatchStore } from "../store/watch-store.ts";
import type { Presentity } from "./presentity.ts";

/** What the presentity's own tabs and the subscriber's room are told when a subscription moves. */
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
  access: "granted" | "pending" | "refused";
  view?: PresenceView;
  seq: number;
};

/**
 * The presentity's side of WATCHERS: SUBSCRIPTIONS, FETCHES, the ACCESS RULES deciding each,
 * and the record of every watcher's activity (WATCHER INFORMATION). Decisions are the model's
 * (`decideAccess`, `viewForWatcher`, `watcherKind`); this class keeps records and sends.
 */
export class Subscriptions {
  private subscribers = new Map<string, SubscriberRecord>();
  private watchers = new Map<string, WatcherRecord>();

  constructor(
    private readonly store: WatchStore,
    private readonly presentity: () => Presentity,
    private readonly privacy: () => PrivacySettings,
    private readonly outlets: SubscriptionOutlets,
    private readonly now: () => number,
    private readonly policy: WatcherPolicy = DEFAULT_WATCHER_POLICY,
    private readonly limits: SubscriberLimits = DEFAULT_SUBSCRIBER_LIMITS,
  ) {}

  async load(): Promise<void> {
    [this.subscribers, this.watchers] = await Promise.all([this.store.subscribers(), this.store.watchers()]);
  }

  /** Subscribers with their current state (for fan-out). */
  all(): Iterable<SubscriberRecord> {
    return this.subscribers.values();
  }

  /** Subscriptions to me, newest first, anonymous watchers under their alias. */
  list(): Subscriber[] {
    return [...this.subscribers.values()]
      .sort((a, b) => b.requestedAt - a.requestedAt)
      .map((s) => this.publicSubscriber(s));
  }

  /** The access decision for a watcher now, and their subscription state under it. */
  decide(
    watcher: string,
    anonymous?: boolean,
  ): { decision: AccessDecision; answer: Answer; state: SubscriptionState } {
    const record = this.watchers.get(watcher);
    const privacy = this.privacy();
    const decision = decideAccess(privacy.accessPolicy(), privacy.blocklist(), {
      handle: watcher,
      anonymous: anonymous ?? record?.anonymous ?? false,
    });
    const answer = record?.answer;
    return { decision, answer, state: subscriptionState(decision, answer) };
  }

  /** What this watcher may see of a view; null when nothing (pending or refused). */
  transform(watcher: string, view: PresenceView): PresenceView | null {
    const { decision, answer } = this.decide(watcher);
    return viewForWatcher(view, decision, answer, this.watchers.get(watcher)?.politeSince ?? undefined);
  }

  /** "See what X sees": exactly what this room would send X now (as a named watcher). */
  preview(watcher: string): WatcherPreview {
    // What an anonymous watcher was answered is not shown under their handle: trying handles
    // here must not tell which one hides behind an alias.
    const stored = this.watchers.get(watcher);
    const record = stored?.anonymous ? undefined : stored;
    const privacy = this.privacy();
    const decision = decideAccess(privacy.accessPolicy(), privacy.blocklist(), {
      handle: watcher,
      anonymous: false,
    });
    const answer = record?.answer;
    const state = subscriptionState(decision, answer);
    const politeSince =
      decision.action === "polite-block"
        ? (record?.politeSince ?? this.presentity().signedOutSince())
        : undefined;
    const view = viewForWatcher(this.presentity().view().view, decision, answer, politeSince ?? undefined);
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
    this.presentity().welcome(watcher);
    const { view, seq } = this.viewFor(watcher);
    return { state, seq, ...(view ? { view } : {}) };
  }

  /** The principal answers a watcher (by handle or anonymous alias): approve or deny. */
  async answer(id: string, decision: "approve" | "deny"): Promise<Subscriber> {
    const watcher = this.resolve(id);
    const record = watcher === undefined ? undefined : this.watchers.get(watcher);
    const subscriber = watcher === undefined ? undefined : this.subscribers.get(watcher);
    if (watcher === undefined || !record || (!subscriber && record.outcome !== "pending")) {
      throw new ApiError(404, "not_found", `${id} has not asked to watch you.`);
    }
    if (decision === "approve" && subscriber) {
      const next = subscriptionState(this.decide(watcher).decision, "approve");
      const admission = this.admit(subscriber.state, next);
      if (admission.kind === "full") {
        throw new ApiError(
          409,
          "limit_reached",
          `You have ${this.limits.active} subscribers, the most there can be. End one before letting ${id} in.`,
        );
      }
    }
    await this.putWatcher({ ...record, answer: decision });
    await this.reevaluate({ watcher });
    this.emitWatcher(this.watchers.get(watcher));
    const now = this.subscribers.get(watcher);
    return this.publicSubscriber(
      now ?? { handle: watcher, state: this.decide(watcher).state, requestedAt: record.activity.firstAt },
    );
  }

  /** The principal ends a subscription to them; the watcher's room is told. */
  async revoke(id: string): Promise<void> {
    const watcher = this.resolve(id);
    const existing = watcher === undefined ? undefined : this.subscribers.get(watcher);
    if (watcher === undefined || !existing || existing.state === "ended")
      throw new ApiError(404, "not_found", `${id} does not watch you.`);
    await this.end(watcher);
    await this.outlets.tellSubscriber(watcher, "ended", undefined, this.presentity().bumpSeq());
  }

  /** The watcher removed me from their buddy list. */
  async unsubscribed(watcher: string): Promise<void> {
    if (this.subscribers.has(watcher)) await this.end(watcher);
  }

  /** A FETCH (or a subscriber's refresh after reconnecting): the view this watcher may see. */
  async fetched(watcher: string, purpose: "fetch" | "refresh", anonymous: boolean): Promise<FetchAnswer> {
    if (purpose === "fetch") {
      const { state } = this.decide(watcher, anonymous);
      const record = await this.recordActivity(watcher, anonymous, (r) => {
        r.outcome = state;
      });
      this.emitWatcher(record);
    }
    const subscriber = this.subscribers.get(watcher);
    const { state } = this.decide(watcher);
    const { view, seq } = this.viewFor(watcher);
    const access = state === "active" ? "granted" : state === "pending" ? "pending" : "refused";
    return {
      ...(subscriber ? { state: subscriber.state } : {}),
      access,
      ...(view ? { view } : {}),
      seq,
    };
  }

  /** My WATCHER INFORMATION: everyone who subscribed or fetched in the kept period. */
  watcherInformation(): WatcherInfo[] {
    return [...this.watchers.values()]
      .map((record) => this.watcherInfo(record))
      .sort((a, b) => b.lastAt - a.lastAt);
  }

  /**
   * The real handle of a watcher named as I see them: by handle, or an anonymous one only by
   * alias. Their real handle names no one (undefined), so trying handles against my answers
   * cannot tell who hides behind an alias.
   */
  private resolve(id: string): string | undefined {
    if (id.startsWith("anonymous:")) {
      for (const record of this.watchers.values())
        if (record.alias === id && record.anonymous) return record.handle;
      return undefined;
    }
    const handle = id.toLowerCase();
    return this.watchers.get(handle)?.anonymous ? undefined : handle;
  }

  /**
   * After a rule, blocklist or answer changed: every affected subscription moves to its new
   * state at once, and active subscribers get the view they may now see, without waiting.
   */
  async reevaluate(affected: Affected): Promise<void> {
    const handles = affected === "everyone" ? [...this.watchers.keys()] : [affected.watcher];
    const presentity = this.presentity();
    for (const watcher of handles) {
      const record = this.watchers.get(watcher);
      if (!record) continue;
      const { decision } = this.decide(watcher);
      const politeSince =
        decision.action === "polite-block" ? (record.politeSince ?? presentity.signedOutSince()) : undefined;
      if ((record.politeSince ?? undefined) !== politeSince) {
        await this.putWatcher({ ...record, politeSince: politeSince ?? null });
      }
    }
    const tells: Promise<void>[] = [];
    const counts = countSubscriptions(this.states());
    // What takes access away goes first, so that the places it frees can be given in this pass.
    const changes = handles.map((watcher) => {
      const subscriber = this.subscribers.get(watcher);
      const live = subscriber && subscriber.state !== "ended" ? subscriber : undefined;
      return { watcher, subscriber: live, decided: live ? this.decide(watcher).state : undefined };
    });
    changes.sort((a, b) => Number(a.decided === "active") - Number(b.decided === "active"));
    for (const { watcher, subscriber, decided } of changes) {
      if (!subscriber || decided === undefined) {
        this.emitWatcher(this.watchers.get(watcher)); // a fetcher's row shows the new answer too
        continue;
      }
      // Seeing less always happens at once; seeing more only while there is room: a watcher
      // the rules now let in while every place is taken keeps waiting.
      const full =
        decided === "active" &&
        admitSubscription(counts, this.limits, subscriber.state, decided).kind === "full";
      const state = full ? subscriber.state : decided;
      if (state !== subscriber.state) {
        counts[subscriber.state as Exclude<SubscriptionState, "ended">]--;
        counts[state as Exclude<SubscriptionState, "ended">]++;
        await this.saveSubscriber({ ...subscriber, state, decidedAt: this.now() });
        if (state === "active") presentity.welcome(watcher);
        else presentity.forget(watcher);
        const { view } = this.viewFor(watcher);
        tells.push(this.outlets.tellSubscriber(watcher, state, view ?? undefined, presentity.bumpSeq()));
      } else if (state === "active") {
        const { view } = this.viewFor(watcher);
        if (view) presentity.resend(watcher, view);
      }
      this.emitWatcher(this.watchers.get(watcher));
    }
    await Promise.all(tells);
  }

  /** The room's alarm: drop watchers not seen for the kept period (not live subscribers). */
  async prune(): Promise<number> {
    const pruned = await pruneStoredWatchers(this.store, this.now(), this.policy);
    const ids = pruned.map((handle) => this.watcherId(handle));
    if (pruned.length > 0) await this.load();
    for (const id of ids) this.outlets.watcherRemovedToSelf(id);
    return pruned.length;
  }

  private viewFor(watcher: string): { view: PresenceView | null; seq: number } {
    const { view, seq } = this.presentity().view();
    return { view: this.transform(watcher, view), seq };
  }

  private async end(watcher: string): Promise<void> {
    const existing = this.subscribers.get(watcher);
    if (!existing) return;
    this.presentity().forget(watcher);
    await this.saveSubscriber({ ...existing, state: "ended", decidedAt: this.now() });
    this.emitWatcher(this.watchers.get(watcher));
    if (existing.state === "active") await this.fillFreedPlace();
  }

  /** An active place came free: the longest-waiting watcher the rules let in takes it. */
  private async fillFreedPlace(): Promise<void> {
    const next = [...this.subscribers.values()]
      .filter((s) => s.state !== "active" && s.state !== "ended" && this.decide(s.handle).state === "active")
      .sort((a, b) => a.requestedAt - b.requestedAt)[0];
    if (next) await this.reevaluate({ watcher: next.handle });
  }

  /** How the principal's tabs know a watcher: by alias when anonymous. */
  private watcherId(handle: string): string {
    const record = this.watchers.get(handle);
    return record?.anonymous ? record.alias : handle;
  }

  private *states(): Iterable<SubscriptionState> {
    for (const s of this.subscribers.values()) yield s.state;
  }

  private admit(previous: SubscriptionState | undefined, next: SubscriptionState): Admission {
    return admitSubscription(countSubscriptions(this.states()), this.limits, previous, next);
  }

  private publicSubscriber(s: SubscriberRecord): Subscriber {
    const record = this.watchers.get(s.handle);
    return record?.anonymous ? { ...s, handle: record.alias, anonymous: true } : s;
  }

  private watcherInfo(record: WatcherRecord): WatcherInfo {
    const now = this.now();
    const subscriber = this.subscribers.get(record.handle);
    const subscribed = subscriber !== undefined && subscriber.state !== "ended";
    return {
      id: record.anonymous ? record.alias : record.handle,
      handle: record.anonymous ? null : record.handle,
      kind: watcherKind(subscribed, record.activity, now, this.policy),
      // A subscription's own state; otherwise what the rules answer them now (after my answer too).
      state: subscribed
        ? subscriber.state
        : subscriber && !record.outcome
          ? "ended"
          : this.decide(record.handle).state,
      firstAt: record.activity.firstAt,
      lastAt: record.activity.lastAt,
      counts: watchCounts(record.activity, now, this.policy),
      flagged: isPossibleStalker(record.activity, now, this.policy),
      ...(record.anonymous ? {} : { action: this.decide(record.handle).decision.action }),
    };
  }

  private emitWatcher(record: WatcherRecord | undefined): void {
    if (record) this.outlets.watcherToSelf(this.watcherInfo(record));
  }

  private async saveSubscriber(subscriber: SubscriberRecord): Promise<void> {
    this.subscribers.set(subscriber.handle, subscriber);
    await this.store.putSubscriber(subscriber);
    this.outlets.toSelf(this.publicSubscriber(subscriber));
  }

  /** Before a new watcher is recorded: forget the ones over the limit, with their ended subscriptions. */
  private async makeRoomForWatcher(now: number): Promise<void> {
    if (this.watchers.size < this.policy.maxRecords) return;
    const kept = [...this.watchers.values()].map((r) => {
      const subscriber = this.subscribers.get(r.handle);
      return {
        handle: r.handle,
        activity: r.activity,
        live: !!subscriber && subscriber.state !== "ended",
        frozen: r.politeSince != null,
      };
    });
    const forget = watchersToForget(kept, this.policy.maxRecords - 1, now, this.policy);
    await this.store.deleteWatchers(forget);
    for (const handle of forget) {
      this.outlets.watcherRemovedToSelf(this.watcherId(handle));
      this.watchers.delete(handle);
      if (this.subscribers.delete(handle)) await this.store.deleteSubscriber(handle);
    }
  }

  private async putWatcher(record: WatcherRecord): Promise<void> {
    this.watchers.set(record.handle, record);
    await this.store.putWatcher(record);
  }

  /** Every fetch and subscription request counts, whatever it was answered (refused too). */
  private async recordActivity(
    watcher: string,
    anonymous: boolean,
    update: (record: WatcherRecord) => void = () => {},
  ): Promise<WatcherRecord> {
    const now = this.now();
    const existing = this.watchers.get(watcher);
    if (!existing) await this.makeRoomForWatcher(now);
    const record: WatcherRecord = {
      ...(existing ?? { handle: watcher, alias: newAlias() }),
      anonymous,
      activity: recordWatch(existing?.activity, now, this.policy),
    } as WatcherRecord;
    if (this.decide(watcher, anonymous).decision.action === "polite-block" && record.politeSince == null) {
      record.politeSince = this.presentity().signedOutSince() ?? null;
    }
    update(record);
    await this.putWatcher(record);
    return record;
  }
}

/**
 * Deletes watcher information older than the policy keeps, straight from storage (the alarm may
 * run before the room is loaded). Live subscriptions are kept, however old.
 */
export async function pruneStoredWatchers(
  store: WatchStore,
  now: number,
  policy: WatcherPolicy,
): Promise<string[]> {
  const [subscribers, watchers] = await Promise.all([store.subscribers(), store.watchers()]);
  const expired = [...watchers.values()]
    .filter((r) => isExpired(r.activity, now, policy))
    .filter((r) => {
      const s = subscribers.get(r.handle);
      return !s || s.state === "ended";
    })
    .map((r) => r.handle);
  await store.deleteWatchers(expired);
  for (const handle of expired) if (subscribers.has(handle)) await store.deleteSubscriber(handle);
  return expired;
}

/** An opaque name for an anonymous watcher; the colon keeps it from ever being a handle. */
function newAlias(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `anonymous:${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function fullError(which: "active" | "waiting"): ApiError {
  return which === "active"
    ? new ApiError(409, "limit_reached", "That principal cannot take more subscribers.")
    : new ApiError(
        409,
        "limit_reached",
        "That principal has too many requests waiting for an answer. Try again later.",
      );
}
