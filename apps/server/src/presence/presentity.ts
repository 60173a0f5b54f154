import {
  type AggregateInput,
  aggregate,
  type CoalescePolicy,
  type CoalesceState,
  coalesce,
  DEFAULT_COALESCE_POLICY,
  DEFAULT_PRESENCE_POLICY,
  flush,
  initialCoalesceState,
  nextChangeAt,
  type PresencePolicy,
  viewsEqual,
} from "@pim/model";
import {
  type ChosenState,
  inboxAddress,
  type PresenceTuple,
  type PresenceView,
  type Subscriber,
} from "@pim/protocol";
import type { PresenceStore } from "../store/presence-store.ts";

/** Where a presentity's changes go: its own tabs, and each subscriber's room. */
/** Who a presentity's changes go to, and what each may see: the room's subscriptions. */
export type PresenceAudience = {
  /** Every subscriber, whatever the state of their subscription. */
  all(): Iterable<Subscriber>;
  /** What one subscriber may see of a view (their access rules applied); null for nothing. */
  transform(subscriber: string, view: PresenceView): PresenceView | null;
};

export type PresenceOutlets = {
  /** The principal's own tabs: what watchers see of them now, and their chosen state. */
  toSelf(view: PresenceView, chosen: ChosenState, devices: PresenceTuple[]): void;
  /** A NOTIFICATION to one subscriber's room, in order (seq grows). */
  notify(subscriber: string, view: PresenceView, seq: number): void;
};

/**
 * The PRESENTITY side of a principal's room: device tuples (one per open socket), the chosen
 * state, and fan-out of NOTIFICATIONS to subscribers, coalesced per subscriber. The decisions
 * (aggregation, coalescing) are the model's; this class keeps state, timers and sends.
 */
export class Presentity {
  private readonly devices = new Map<string, PresenceTuple>();
  /** Devices that left since this presentity was built: a late second close puts none back. */
  private readonly departed = new Set<string>();
  private chosen: ChosenState = { availability: "available", invisible: false };
  private lastSeen: number | null = null;
  private lastDisconnectAt: number | null = null;
  private seq = 0;
  private current: PresenceView | null = null;
  private readonly coalescers = new Map<string, CoalesceState>();
  private readonly flushTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private changeTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly handle: string,
    private readonly store: PresenceStore,
    private readonly outlets: PresenceOutlets,
    private readonly now: () => number,
    /** The grace period after the last tab closes (the deployment's, see config.ts). */
    private readonly policy: PresencePolicy = DEFAULT_PRESENCE_POLICY,
    /** How notifications to each subscriber are paced (the deployment's, see config.ts). */
    private readonly coalescing: CoalescePolicy = DEFAULT_COALESCE_POLICY,
  ) {}

  /**
   * The subscriptions, which are built after the presentity since they read it: set once, when
   * the room is assembled, before anything is loaded or connected.
   */
  private audienceSet: PresenceAudience | undefined;
  publishTo(audience: PresenceAudience): void {
    if (this.audienceSet) throw new Error("the presentity already has its audience");
    this.audienceSet = audience;
  }

  private audience(): PresenceAudience {
    if (!this.audienceSet) throw new Error("the presentity has no audience yet");
    return this.audienceSet;
  }

  async load(): Promise<void> {
    const saved = await this.store.load();
    this.chosen = saved.chosen;
    this.lastSeen = saved.lastSeen;
    this.seq = saved.seq;
    this.current = this.compute();
  }

  /** The view every watcher is shown before access rules, and the notification sequence. */
  view(): { view: PresenceView; seq: number } {
    return { view: this.compute(), seq: this.seq };
  }

  chosenState(): ChosenState {
    return this.chosen;
  }

  deviceTuples(): PresenceTuple[] {
    return [...this.devices.values()];
  }

  /** One device's tuple, as the room keeps it with that device's socket. */
  device(id: string): PresenceTuple | undefined {
    return this.devices.get(id);
  }

  /**
   * The devices the room had before it hibernated (kept with their sockets): put back without
   * telling anyone, since nothing changed for watchers. Called once, right after `load`.
   */
  restore(tuples: readonly PresenceTuple[]): void {
    for (const tuple of tuples) this.devices.set(tuple.id, tuple);
    this.current = this.compute();
    this.scheduleNextChange(this.now());
  }

  async connect(tuple: PresenceTuple): Promise<void> {
    this.departed.delete(tuple.id);
    this.devices.delete(tuple.id); // a reconnect's tuple goes last, as a wake rebuilds the order
    this.devices.set(tuple.id, tuple);
    await this.changed();
  }

  /**
   * A device's socket closed. A room woken by that very close rebuilt its devices from the
   * sockets still open, without this one: it is put back into the view watchers were last told
   * first, so its leaving is told exactly as from a room that never slept.
   */
  async leave(tuple: PresenceTuple): Promise<void> {
    if (!this.devices.has(tuple.id) && !this.departed.has(tuple.id)) {
      this.devices.set(tuple.id, tuple);
      this.current = this.compute();
    }
    await this.disconnect(tuple.id);
  }

  async disconnect(id: string): Promise<void> {
    if (!this.devices.delete(id)) return;
    this.departed.add(id);
    if (this.devices.size === 0) this.lastDisconnectAt = this.now();
    await this.changed();
  }

  async setIdle(id: string, idle: boolean): Promise<void> {
    const tuple = this.devices.get(id);
    if (!tuple) return;
    const availability = idle ? "away" : "available";
    if (tuple.availability === availability) return;
    this.devices.set(id, { ...tuple, availability, since: this.now() });
    await this.changed();
  }

  async setChosen(chosen: ChosenState): Promise<void> {
    this.chosen = chosen;
    await this.store.saveChosen(chosen);
    await this.changed();
  }

  /** A subscriber whose subscription just became active gets the current view at once. */
  welcome(subscriber: string): void {
    const view = this.audience().transform(subscriber, this.compute());
    this.forget(subscriber);
    if (view)
      this.coalescers.set(subscriber, { ...initialCoalesceState(), lastSent: view, lastSentAt: this.now() });
  }

  /**
   * After the subscriber's rules changed: the view they may now see goes out at once, past
   * coalescing (a newly blocked watcher must not keep seeing me for another second).
   */
  resend(subscriber: string, view: PresenceView): void {
    const held = this.coalescers.get(subscriber);
    if (held?.lastSent && viewsEqual(held.lastSent, view)) return;
    this.forget(subscriber);
    this.coalescers.set(subscriber, { ...initialCoalesceState(), lastSent: view, lastSentAt: this.now() });
    this.outlets.notify(subscriber, view, this.bumpSeq());
  }

  /**
   * A new notification sequence number, for changes that are not the presentity's own (a rule
   * changed), so the subscriber's room orders them after everything sent before.
   */
  bumpSeq(): number {
    this.seq += 1;
    void this.store.saveSeq(this.seq);
    return this.seq;
  }

  /** When watchers last saw me OPEN: now if I am open, else my last seen (if ever). */
  signedOutSince(): number | undefined {
    const view = this.compute();
    return view.status === "open" ? this.now() : view.lastSeen;
  }

  forget(subscriber: string): void {
    this.coalescers.delete(subscriber);
    const timer = this.flushTimers.get(subscriber);
    if (timer) clearTimeout(timer);
    this.flushTimers.delete(subscriber);
  }

  private input(): AggregateInput {
    return {
      handle: this.handle,
      contact: inboxAddress(this.handle),
      tuples: [...this.devices.values()],
      chosen: this.chosen,
      lastSeen: this.lastSeen,
      lastDisconnectAt: this.lastDisconnectAt,
    };
  }

  private compute(): PresenceView {
    return aggregate(this.input(), this.now(), this.policy);
  }

  /** Recomputes the aggregate and, when it changed, tells the principal and every subscriber. */
  private async changed(): Promise<void> {
    const now = this.now();
    const view = this.compute();
    this.scheduleNextChange(now);
    // lastSeen is the last time watchers could see the principal OPEN: when the last device
    // left (not when the grace period ran out), or when they turned invisible.
    let next = view;
    if (this.current?.status === "open" && view.status === "closed") {
      this.lastSeen = this.devices.size === 0 && this.lastDisconnectAt !== null ? this.lastDisconnectAt : now;
      await this.store.saveLastSeen(this.lastSeen);
      next = this.compute();
    }
    if (this.current && viewsEqual(this.current, next)) {
      this.outlets.toSelf(next, this.chosen, this.deviceTuples());
      return;
    }
    this.current = next;
    this.seq += 1;
    await this.store.saveSeq(this.seq);
    this.outlets.toSelf(next, this.chosen, this.deviceTuples());
    for (const subscriber of this.audience().all()) {
      if (subscriber.state !== "active") continue;
      const view = this.audience().transform(subscriber.handle, next);
      if (view) this.offer(subscriber.handle, view, now);
    }
  }

  private offer(subscriber: string, view: PresenceView, now: number): void {
    const state = this.coalescers.get(subscriber) ?? initialCoalesceState();
    const step = coalesce(state, view, now, this.coalescing);
    this.coalescers.set(subscriber, step.state);
    if (step.sendNow) this.outlets.notify(subscriber, step.sendNow, this.seq);
    if (step.flushAt !== undefined && !this.flushTimers.has(subscriber)) {
      const timer = setTimeout(
        () => {
          this.flushTimers.delete(subscriber);
          const held = this.coalescers.get(subscriber);
          if (!held) return;
          const flushed = flush(held, this.now());
          this.coalescers.set(subscriber, flushed.state);
          if (flushed.sendNow) this.outlets.notify(subscriber, flushed.sendNow, this.seq);
        },
        Math.max(0, step.flushAt - now),
      );
      this.flushTimers.set(subscriber, timer);
    }
  }

  /** The aggregate also changes on its own (grace period ends, a note expires). */
  private scheduleNextChange(now: number): void {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.changeTimer = null;
    const at = nextChangeAt(this.input(), now, this.policy);
    if (at !== null) {
      this.changeTimer = setTimeout(() => void this.changed(), Math.max(0, at - now) + 5);
    }
  }
}
