import { DEFAULT_ACCESS_RULES } from "@pim/model";
import {
  type AccessRules,
  DEFAULT_DELIVERY_RULES,
  type DeliveryRules,
  type VisibilityRules,
} from "@pim/protocol";
import type * as Party from "partykit/server";

const RULES = "privacy:rules";
const VISIBILITY = "privacy:visibility";
const BLOCKLIST = "privacy:blocklist";
const DELIVERY = "privacy:delivery";

export const DEFAULT_VISIBILITY_RULES: VisibilityRules = { anonymous: false, presentities: {} };

/** My ACCESS RULES, VISIBILITY RULES, DELIVERY RULES and the one blocklist (bounded, so one value each). */
export class PrivacyStore {
  constructor(private readonly storage: Party.Storage) {}

  async load(): Promise<{
    rules: AccessRules;
    visibility: VisibilityRules;
    blocked: string[];
    delivery: DeliveryRules;
  }> {
    const values = await this.storage.get<unknown>([RULES, VISIBILITY, BLOCKLIST, DELIVERY]);
    return {
      delivery: (values.get(DELIVERY) as DeliveryRules | undefined) ?? DEFAULT_DELIVERY_RULES,
      rules: (values.get(RULES) as AccessRules | undefined) ?? DEFAULT_ACCESS_RULES,
      visibility: (values.get(VISIBILITY) as VisibilityRules | undefined) ?? DEFAULT_VISIBILITY_RULES,
      blocked: (values.get(BLOCKLIST) as string[] | undefined) ?? [],
    };
  }

  saveRules(rules: AccessRules): Promise<void> {
    return this.storage.put(RULES, rules);
  }

  saveVisibility(visibility: VisibilityRules): Promise<void> {
    return this.storage.put(VISIBILITY, visibility);
  }

  saveDelivery(delivery: DeliveryRules): Promise<void> {
    return this.storage.put(DELIVERY, delivery);
  }

  saveBlocklist(blocked: string[]): Promise<void> {
    return this.storage.put(BLOCKLIST, blocked);
  }
}
