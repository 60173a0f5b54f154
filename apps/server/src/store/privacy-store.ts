import { DEFAULT_ACCESS_RULES, DEFAULT_DELIVERY_RULES, DEFAULT_VISIBILITY_RULES } from "@pim/model";
import {
  type AccessRules,
  AccessRulesSchema,
  type DeliveryRules,
  DeliveryRulesSchema,
  parseWith,
  type VisibilityRules,
  VisibilityRulesSchema,
} from "@pim/protocol";
import type * as Party from "partykit/server";
import { z } from "zod";

const RULES = "privacy:rules";
const VISIBILITY = "privacy:visibility";
const BLOCKLIST = "privacy:blocklist";
const DELIVERY = "privacy:delivery";

const StoredBlocklistSchema = z.array(z.string());

/** My ACCESS RULES, VISIBILITY RULES, DELIVERY RULES and the one blocklist (bounded, so one value each). */
export class PrivacyStore {
  constructor(private readonly storage: Party.Storage) {}

  /**
   * Stored values are parsed like anything from outside: a value this code cannot read (an older
   * or damaged shape) is not trusted as rules; the defaults, which ask before showing, apply.
   */
  async load(): Promise<{
    rules: AccessRules;
    visibility: VisibilityRules;
    blocked: string[];
    delivery: DeliveryRules;
  }> {
    const values = await this.storage.get<unknown>([RULES, VISIBILITY, BLOCKLIST, DELIVERY]);
    return {
      delivery: stored(values.get(DELIVERY), DeliveryRulesSchema, DEFAULT_DELIVERY_RULES, DELIVERY),
      rules: stored(values.get(RULES), AccessRulesSchema, DEFAULT_ACCESS_RULES, RULES),
      visibility: stored(values.get(VISIBILITY), VisibilityRulesSchema, DEFAULT_VISIBILITY_RULES, VISIBILITY),
      blocked: stored(values.get(BLOCKLIST), StoredBlocklistSchema, [], BLOCKLIST),
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

function stored<T>(value: unknown, schema: z.ZodType<T>, fallback: T, key: string): T {
  if (value === undefined) return fallback;
  const parsed = parseWith(schema, value);
  if (parsed.ok) return parsed.value;
  console.error(`stored ${key} could not be read (${parsed.message}); the defaults apply`);
  return fallback;
}
