import type { AccessRules, DeliveryRules, VisibilityRules } from "@pim/protocol";

/**
 * The rules every principal starts with, in one place: what a room uses until its principal
 * changes them, and what it reads for a setting it never stored.
 */

/** A stranger must ask, and once approved sees everything; people and groups narrow or widen that. */
export const DEFAULT_ACCESS_RULES: AccessRules = {
  default: { action: "confirm", show: "lastSeen" },
  people: {},
  groups: [],
  refuseAnonymous: false,
};

/** Nobody is watched anonymously until the principal says so. */
export const DEFAULT_VISIBILITY_RULES: VisibilityRules = { anonymous: false, presentities: {} };

/** Anyone may write, also while I am signed out; read receipts on. */
export const DEFAULT_DELIVERY_RULES: DeliveryRules = {
  whoMayWrite: "anyone",
  whileClosed: "accept",
  alwaysThrough: [],
  readReceipts: true,
};
