import {
  type CoalescePolicy,
  DEFAULT_SUBSCRIBER_LIMITS,
  DEFAULT_WATCHER_POLICY,
  FETCH_RATE,
  type RatePolicy,
  type SubscriberLimits,
  type WatcherPolicy,
} from "@pim/model";
import type { AccessRule, AccessRules, PresenceTuple } from "@pim/protocol";
import { inboxAddress } from "@pim/protocol";
import { LateHook } from "../parties/late-hook.ts";
import { type PresenceOutlets, Presentity } from "../presence/presentity.ts";
import { type SubscriptionOutlets, Subscriptions } from "../presence/subscriptions.ts";
import { type Affected, PrivacySettings } from "../privacy/privacy-settings.ts";
import { PresenceStore } from "../store/presence-store.ts";
import { PrivacyStore } from "../store/privacy-store.ts";
import { WatchStore } from "../store/watch-store.ts";
import type { FakeClock } from "./fake-clock.ts";
import { FakeRooms } from "./fake-rooms.ts";
import { MemoryStorage } from "./memory-storage.ts";
import { recorder } from "./recorder.ts";

export type PresencePartsOptions = {
  me?: string;
  clock: FakeClock;
  /** Principals other than `me` that exist (rules and blocks may name them). */
  people?: string[];
  storage?: MemoryStorage;
  rooms?: FakeRooms;
  policy?: WatcherPolicy;
  limits?: SubscriberLimits;
  fetchRate?: RatePolicy;
  /** The presentity's coalescing window; the model's default when not given. */
  coalescing?: CoalescePolicy;
};

/**
 * A presentity's privacy settings, subscriptions and presence, wired to each other as the room
 * wires them, in the same order (a rule change re-evaluates whom it affects; notifications carry each subscriber's
 * view), over memory storage, with every outlet recorded.
 */
export async function presenceParts(options: PresencePartsOptions) {
  const me = options.me ?? "alice";
  const storage = options.storage ?? new MemoryStorage();
  const rooms = options.rooms ?? new FakeRooms().people(...(options.people ?? []));
  const toSubscribers = recorder<SubscriptionOutlets>();
  const toWatchers = recorder<PresenceOutlets>();
  // The room's order: privacy, the presentity, then the subscriptions that read both.
  const privacyChanged = new LateHook<[Affected], Promise<void>>("privacy's change");
  const privacy = new PrivacySettings(
    me,
    new PrivacyStore(storage.asStorage()),
    rooms.asClient(),
    privacyChanged.call,
  );
  const presentity = new Presentity(
    me,
    new PresenceStore(storage.asStorage()),
    toWatchers.outlets,
    options.clock.now,
    undefined,
    options.coalescing,
  );
  const subscriptions = new Subscriptions(
    new WatchStore(storage.asStorage()),
    presentity,
    privacy,
    toSubscribers.outlets,
    options.clock.now,
    options.policy ?? DEFAULT_WATCHER_POLICY,
    options.limits ?? DEFAULT_SUBSCRIBER_LIMITS,
    options.fetchRate ?? FETCH_RATE,
  );
  presentity.publishTo(subscriptions);
  privacyChanged.set((affected) => subscriptions.reevaluate(affected));
  await Promise.all([presentity.load(), subscriptions.load(), privacy.load()]);

  return {
    me,
    storage,
    rooms,
    privacy,
    presentity,
    subscriptions,
    /** What the subscriptions told: the principal's tabs and the subscribers' rooms. */
    toSubscribers,
    /** What the presentity told: its own tabs and the notifications to each subscriber. */
    toWatchers,
    /** Opens a tab (a device tuple) of the presentity. */
    connect: (id = "tab-1") => presentity.connect(tab(me, id, options.clock.now())),
    /** Access rules: "ask me" for everyone but the people named. */
    setRules: (people: Record<string, AccessRule> = {}, overrides: Partial<AccessRules> = {}) =>
      privacy.setRules(rules({ people, ...overrides })),
  };
}

/** Access rules with "ask me" as the default unless overridden. */
export function rules(overrides: Partial<AccessRules> = {}): AccessRules {
  return {
    default: { action: "confirm", show: "lastSeen" },
    people: {},
    groups: [],
    refuseAnonymous: false,
    ...overrides,
  };
}

/** A device tuple for one open tab. */
export function tab(handle: string, id: string, since: number): PresenceTuple {
  return {
    id,
    status: "open",
    availability: "available",
    device: "Browser",
    contact: inboxAddress(handle),
    since,
  };
}
