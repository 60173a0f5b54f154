import type { Availability, DeliveryRules, PresenceView } from "@pim/protocol";

/** What the recipient's room knows when a message (or a typing notice) arrives. */
export type DeliveryContext = {
  sender: string;
  /** The sender is on the recipient's blocklist. */
  blocked: boolean;
  /** The sender is on the recipient's buddy list. */
  senderIsBuddy: boolean;
  /**
   * The recipient's status as this sender may see it (the recipient's access rules applied:
   * CLOSED to a polite-blocked sender, or while invisible); undefined when the sender may not
   * see it at all. "Refused while signed out" then cannot apply: saying so would tell them.
   */
  statusSeenBySender: PresenceView["status"] | undefined;
  /** The recipient's own availability: it decides only whether delivery is silent for them. */
  recipientAvailability?: Availability;
};

export type DeliveryDecision =
  | { accepted: true; silent: boolean }
  | { accepted: false; reason: "refused" | "closed"; message: string };

/**
 * One wording for every refusal of this sender: blocked, "buddies only" and "nobody" must read
 * the same, so a block is not revealed beyond what the sender could learn anyway.
 */
export const NOT_ACCEPTING = "This person is not accepting messages from you.";
export const NOT_ACCEPTING_WHILE_CLOSED =
  "This person is not accepting messages while signed out. Try again later.";

/**
 * DELIVERY RULES evaluation (RFC 2778 section 2.5). Precedence: the blocklist; who may write;
 * what happens while CLOSED (as the sender sees me); then busy / do-not-disturb makes delivery
 * silent, except for the people who always get through.
 */
export function decideDelivery(rules: DeliveryRules, context: DeliveryContext): DeliveryDecision {
  if (context.blocked) return { accepted: false, reason: "refused", message: NOT_ACCEPTING };
  if (rules.whoMayWrite === "nobody") return { accepted: false, reason: "refused", message: NOT_ACCEPTING };
  if (rules.whoMayWrite === "buddies" && !context.senderIsBuddy) {
    return { accepted: false, reason: "refused", message: NOT_ACCEPTING };
  }
  if (context.statusSeenBySender === "closed" && rules.whileClosed === "refuse") {
    return { accepted: false, reason: "closed", message: NOT_ACCEPTING_WHILE_CLOSED };
  }
  const quiet = context.recipientAvailability === "busy" || context.recipientAvailability === "dnd";
  return { accepted: true, silent: quiet && !rules.alwaysThrough.includes(context.sender) };
}
