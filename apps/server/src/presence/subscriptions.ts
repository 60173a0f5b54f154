import { DEFAULT_POLLER_POLICY, recordFetch, viewForWatcher } from "@pim/model";
import { LIMITS, type PresenceView, type Subscriber } from "@pim/protocol";
import { ApiError } from "../http/api-error.ts";
import type { WatchStore } from "../store/watch-store.ts";
import type { Presentity } from "./presentity.ts";

/** What the presentity's own tabs and the subscriber's room are told when a subscription moves. */
export type SubscriptionOutlets = {
  toSelf(subscriber: Subscriber): void;
  /** Tells the subscriber's room where its subscription stands (with the view when active). */
  tellSubscriber(
    subscriber: string,
    state: Subscriber["state"],
    view: PresenceView | undefined,
    seq: number,
  ): void;
};

/**
 * The presentity's side of SUBSCRIPTIONS and FETCHES: who asked, what they were answered, and
 * the record of every watcher's activity (the start of WATCHER INFORMATION).
 */
export class Subscriptions {
  private subscribers = new Map<string, Subscriber>();

  constructor(
    private readonly store: WatchStore,
    private readonly presentity: () => Presentity,
    private readonly outlets: SubscriptionOutlets,
    private readonly now: () => number,
  ) {}

  async load(): Promise<void> {
    this.subscribers = await this.store.subscribers();
  }

  all(): Iterable<Subscriber> {
    return this.subscribers.values();
  }

  list(): Subscriber[] {
    return [...this.subscribers.values()].sort((a, b) => b.requestedAt - a.requestedAt);
  }

  /** The presence view this watcher may see now. */
  viewFor(watcher: string): { view: PresenceView; seq: number } {
    const { view, seq } = this.presentity().view();
    return { view: this.transform(watcher, view), seq };
  }

  /** What this watcher may see of a view. */
  transform(watcher: string, view: PresenceView): PresenceView {
    return viewForWatcher(view, this.subscribers.get(watcher)?.state === "active");
  }

  /** A watcher's room asks to subscribe; until access rules decide, the principal does. */
  async requested(
    watcher: string,
  ): Promise<{ state: Subscriber["state"]; view?: PresenceView; seq?: number }> {
    await this.recordActivity(watcher, "subscribe");
    const existing = this.subscribers.get(watcher);
    if (existing?.state === "active") return { state: "active", ...this.viewFor(watcher) };
    if (existing?.state === "pending") return { state: "pending" };
    if (!existing && this.countLive() >= LIMITS.maxSubscribers) {
      throw new ApiError(409, "limit_reached", "That principal cannot take more subscribers.");
    }
    const subscriber: Subscriber = { handle: watcher, state: "pending", requestedAt: this.now() };
    await this.save(subscriber);
    return { state: "pending" };
  }

  /** The principal approves or denies a pending (or earlier refused) request. */
  async answer(watcher: string, decision: "approve" | "deny"): Promise<Subscriber> {
    const existing = this.subscribers.get(watcher);
    if (!existing || existing.state === "ended") {
      throw new ApiError(404, "not_found", `${watcher} has not asked to watch you.`);
    }
    const state = decision === "approve" ? "active" : "refused";
    if (existing.state === state) return existing;
    const subscriber: Subscriber = { ...existing, state, decidedAt: this.now() };
    await this.save(subscriber);
    if (state === "active") this.presentity().welcome(watcher);
    else this.presentity().forget(watcher);
    const { view, seq } = this.viewFor(watcher);
    this.outlets.tellSubscriber(watcher, state, state === "active" ? view : undefined, seq);
    return subscriber;
  }

  /** The principal ends a subscription to them; the watcher's room is told. */
  async revoke(watcher: string): Promise<void> {
    const existing = this.subscribers.get(watcher);
    if (!existing || existing.state === "ended")
      throw new ApiError(404, "not_found", `${watcher} does not watch you.`);
    await this.end(watcher);
    this.outlets.tellSubscriber(watcher, "ended", undefined, this.presentity().view().seq);
  }

  /** The watcher removed me from their buddy list. */
  async unsubscribed(watcher: string): Promise<void> {
    if (this.subscribers.has(watcher)) await this.end(watcher);
  }

  /** A FETCH (or a subscriber's refresh): the view this watcher may see, recorded. */
  async fetched(watcher: string, purpose: "fetch" | "refresh") {
    if (purpose === "fetch") await this.recordActivity(watcher, "fetch");
    return { state: this.subscribers.get(watcher)?.state, ...this.viewFor(watcher) };
  }

  private async end(watcher: string): Promise<void> {
    const existing = this.subscribers.get(watcher);
    if (!existing) return;
    this.presentity().forget(watcher);
    await this.save({ ...existing, state: "ended", decidedAt: this.now() });
  }

  private countLive(): number {
    let count = 0;
    for (const s of this.subscribers.values()) if (s.state !== "ended") count++;
    return count;
  }

  private async save(subscriber: Subscriber): Promise<void> {
    this.subscribers.set(subscriber.handle, subscriber);
    await this.store.putSubscriber(subscriber);
    this.outlets.toSelf(subscriber);
  }

  private async recordActivity(watcher: string, kind: "fetch" | "subscribe"): Promise<void> {
    const now = this.now();
    const record = (await this.store.watcher(watcher)) ?? {
      handle: watcher,
      firstAt: now,
      lastAt: now,
      fetches: [],
      subscribes: 0,
    };
    await this.store.putWatcher({
      ...record,
      lastAt: now,
      fetches: kind === "fetch" ? recordFetch(record.fetches, now, DEFAULT_POLLER_POLICY) : record.fetches,
      subscribes: record.subscribes + (kind === "subscribe" ? 1 : 0),
    });
  }
}
