import {
  type AccessPolicy,
  accessPolicy,
  DEFAULT_ACCESS_RULES,
  DEFAULT_DELIVERY_RULES,
  DEFAULT_VISIBILITY_RULES,
  type VisibilityPolicy,
  visibilityPolicy,
  watchesAnonymously,
} from "@pim/model";
import {
  type AccessRules,
  canonicalHandle,
  type DeliveryRules,
  type Handle,
  PRIVACY_LIMITS,
  type PrivacySettings as PrivacySettingsBody,
  type VisibilityRules,
} from "@pim/protocol";
import { Refusal } from "../refusal.ts";
import { noOneHas } from "../rooms/room-call-result.ts";
import type { RoomClient } from "../rooms/room-client.ts";
import type { PrivacyStore } from "../store/privacy-store.ts";

/** Who must be re-evaluated after a change: one watcher, or everyone. */
export type Affected = { watcher: string } | "everyone";

/**
 * A principal's privacy settings: ACCESS RULES (who sees my presence, and how much), VISIBILITY
 * RULES (how my watching shows to others), DELIVERY RULES (who may write to me, and when), and
 * the one blocklist used by presence and messages.
 * Every change is checked here (no rules about myself, only real people, bounded) before it is
 * stored; then `changed` re-evaluates whom it affects.
 */
export class PrivacySettings {
  private rules: AccessRules = DEFAULT_ACCESS_RULES;
  private policy: AccessPolicy = accessPolicy(DEFAULT_ACCESS_RULES);
  private visibilityRules: VisibilityRules = DEFAULT_VISIBILITY_RULES;
  private visibility: VisibilityPolicy = visibilityPolicy(DEFAULT_VISIBILITY_RULES);
  private blocked = new Set<string>();
  private delivery: DeliveryRules = DEFAULT_DELIVERY_RULES;

  constructor(
    private readonly me: string,
    private readonly store: PrivacyStore,
    private readonly rooms: RoomClient,
    private readonly changed: (affected: Affected) => Promise<void>,
  ) {}

  async load(): Promise<void> {
    const saved = await this.store.load();
    this.useRules(saved.rules);
    this.useVisibility(saved.visibility);
    this.blocked = new Set(saved.blocked);
    this.delivery = saved.delivery;
  }

  /** My DELIVERY RULES (instant messages). */
  deliveryRules(): DeliveryRules {
    return this.delivery;
  }

  async setDelivery(input: DeliveryRules): Promise<void> {
    const delivery = { ...input, alwaysThrough: [...new Set(input.alwaysThrough.map(canonicalHandle))] };
    await this.requireOthers(
      delivery.alwaysThrough,
      new Set(this.delivery.alwaysThrough),
      "You always get through to yourself.",
    );
    this.delivery = delivery;
    await this.store.saveDelivery(delivery);
  }

  /** My access rules, as the decisions read them (Maps, never plain objects keyed by handle). */
  accessPolicy(): AccessPolicy {
    return this.policy;
  }

  blocklist(): ReadonlySet<string> {
    return this.blocked;
  }

  isBlocked(handle: string): boolean {
    return this.blocked.has(handle);
  }

  /** My visibility rules for one presentity: do I watch them anonymously? */
  anonymousTowards(presentity: string): boolean {
    return watchesAnonymously(this.visibility, presentity);
  }

  settings(): PrivacySettingsBody {
    return {
      rules: this.rules,
      delivery: this.delivery,
      visibility: this.visibilityRules,
      blocked: [...this.blocked].sort(),
    };
  }

  async setRules(input: AccessRules): Promise<void> {
    const rules: AccessRules = {
      ...input,
      people: Object.fromEntries(Object.entries(input.people).map(([h, rule]) => [canonicalHandle(h), rule])),
      groups: input.groups.map((g) => ({ ...g, members: [...new Set(g.members.map(canonicalHandle))] })),
    };
    const named = [...Object.keys(rules.people), ...rules.groups.flatMap((g) => g.members)];
    const known = new Set([
      ...Object.keys(this.rules.people),
      ...this.rules.groups.flatMap((g) => g.members),
    ]);
    await this.requireOthers(named, known, "Rules are for other people; yours always applies to you.");
    const names = rules.groups.map((g) => g.name.toLowerCase());
    if (new Set(names).size !== names.length) throw new Refusal("invalid", "Two groups have the same name.");
    this.useRules(rules);
    await this.store.saveRules(rules);
    await this.changed("everyone");
  }

  async setVisibility(input: VisibilityRules): Promise<void> {
    const visibility: VisibilityRules = {
      anonymous: input.anonymous,
      presentities: Object.fromEntries(
        Object.entries(input.presentities).map(([h, anonymous]) => [canonicalHandle(h), anonymous]),
      ),
    };
    await this.requireOthers(
      Object.keys(visibility.presentities),
      new Set(Object.keys(this.visibilityRules.presentities)),
      "Visibility rules are about other people.",
    );
    this.useVisibility(visibility);
    await this.store.saveVisibility(visibility);
  }

  private useRules(rules: AccessRules): void {
    this.rules = rules;
    this.policy = accessPolicy(rules);
  }

  private useVisibility(rules: VisibilityRules): void {
    this.visibilityRules = rules;
    this.visibility = visibilityPolicy(rules);
  }

  async block(handle: Handle): Promise<void> {
    if (handle === this.me) throw new Refusal("invalid", "You cannot block yourself.");
    if (this.blocked.has(handle)) return;
    if (this.blocked.size >= PRIVACY_LIMITS.blocklist) {
      throw new Refusal("limit_reached", `A blocklist holds at most ${PRIVACY_LIMITS.blocklist} people.`);
    }
    await this.requireExists([handle]);
    this.blocked.add(handle);
    await this.store.saveBlocklist([...this.blocked]);
    await this.changed({ watcher: handle });
  }

  async unblock(handle: Handle): Promise<void> {
    if (!this.blocked.delete(handle)) throw new Refusal("not_found", `${handle} is not blocked.`);
    await this.store.saveBlocklist([...this.blocked]);
    await this.changed({ watcher: handle });
  }

  /** Rules may only name other principals who exist; names already in the rules are not asked again. */
  private async requireOthers(
    handles: string[],
    known: ReadonlySet<string>,
    selfMessage: string,
  ): Promise<void> {
    if (handles.includes(this.me)) throw new Refusal("invalid", selfMessage);
    await this.requireExists([...new Set(handles)].filter((h) => !known.has(h)));
  }

  private async requireExists(handles: string[]): Promise<void> {
    const CONCURRENCY = 16;
    for (let i = 0; i < handles.length; i += CONCURRENCY) {
      const batch = handles.slice(i, i + CONCURRENCY);
      const results = await Promise.all(batch.map((h) => this.rooms.call("exists", h, {})));
      // A room that cannot say its principal exists does not prove that one does.
      const unknown = batch.filter((_, j) => {
        const result = results[j];
        return !result?.ok || !result.reply.exists;
      });
      if (unknown.length > 0) throw new Refusal("invalid", noOneHas(unknown));
    }
  }
}
