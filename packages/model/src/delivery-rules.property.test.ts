import type { DeliveryRules } from "@pim/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type DeliveryContext,
  type DeliveryDecision,
  decideDelivery,
  NOT_ACCEPTING,
  NOT_ACCEPTING_WHILE_CLOSED,
} from "./delivery-rules.ts";
import { handleArb } from "./wire-arbitraries.ts";

const RUNS = { numRuns: 400 };

const rulesArb: fc.Arbitrary<DeliveryRules> = fc.record(
  {
    whoMayWrite: fc.constantFrom("anyone", "buddies", "nobody"),
    whileClosed: fc.constantFrom("accept", "refuse"),
    alwaysThrough: fc.array(handleArb, { maxLength: 5 }),
    readReceipts: fc.boolean(),
  },
  { noNullPrototype: true },
);

const contextArb: fc.Arbitrary<DeliveryContext> = fc.record(
  {
    sender: handleArb,
    blocked: fc.boolean(),
    senderIsBuddy: fc.boolean(),
    statusSeenBySender: fc.constantFrom("open", "closed", undefined),
    recipientAvailability: fc.constantFrom("available", "away", "busy", "dnd", undefined),
  },
  { noNullPrototype: true },
);

const REFUSED: DeliveryDecision = { accepted: false, reason: "refused", message: NOT_ACCEPTING };
const CLOSED: DeliveryDecision = { accepted: false, reason: "closed", message: NOT_ACCEPTING_WHILE_CLOSED };

/** The reference, from the doc comment and the table in delivery-rules.test.ts. */
function refDeliver(rules: DeliveryRules, context: DeliveryContext): DeliveryDecision {
  const maySend =
    rules.whoMayWrite === "anyone" || (rules.whoMayWrite === "buddies" && context.senderIsBuddy);
  if (context.blocked || !maySend) return REFUSED;
  if (rules.whileClosed === "refuse" && context.statusSeenBySender === "closed") return CLOSED;
  let throughAlways = false;
  for (const handle of rules.alwaysThrough) if (handle === context.sender) throughAlways = true;
  const quiet = context.recipientAvailability === "busy" || context.recipientAvailability === "dnd";
  return { accepted: true, silent: quiet && !throughAlways };
}

describe("decideDelivery, for arbitrary rules and senders", () => {
  it("accepts, or refuses with an allowed reason and that reason's one wording", () => {
    fc.assert(
      fc.property(rulesArb, contextArb, (rules, context) => {
        const decision = decideDelivery(rules, context);
        if (decision.accepted) {
          expect(Object.keys(decision).sort()).toEqual(["accepted", "silent"]);
          expect(typeof decision.silent).toBe("boolean");
        } else {
          expect([REFUSED, CLOSED]).toContainEqual(decision);
        }
      }),
      RUNS,
    );
  });

  it("never accepts a blocked sender, and refuses them as it refuses anyone not allowed to write", () => {
    fc.assert(
      fc.property(rulesArb, contextArb, (rules, context) => {
        expect(decideDelivery(rules, { ...context, blocked: true })).toEqual(REFUSED);
      }),
      RUNS,
    );
  });

  it("equals the reference", () => {
    fc.assert(
      fc.property(rulesArb, contextArb, (rules, context) => {
        expect(decideDelivery(rules, context)).toEqual(refDeliver(rules, context));
      }),
      RUNS,
    );
  });

  it("tells of being signed out only a sender who sees CLOSED, and a refusal reveals neither status nor availability", () => {
    fc.assert(
      fc.property(rulesArb, contextArb, contextArb, (rules, context, other) => {
        const decision = decideDelivery(rules, context);
        if (!decision.accepted && decision.reason === "closed")
          expect(context.statusSeenBySender).toBe("closed");
        if (!decision.accepted && decision.reason === "refused") {
          const elsewhere = {
            ...context,
            statusSeenBySender: other.statusSeenBySender,
            recipientAvailability: other.recipientAvailability,
          };
          expect(decideDelivery(rules, elsewhere)).toEqual(decision);
        }
      }),
      RUNS,
    );
  });

  it("is silent only while the recipient is busy or do-not-disturb; read receipts never decide", () => {
    fc.assert(
      fc.property(rulesArb, contextArb, (rules, context) => {
        const decision = decideDelivery(rules, context);
        if (decision.accepted && decision.silent)
          expect(["busy", "dnd"]).toContain(context.recipientAvailability);
        expect(decideDelivery({ ...rules, readReceipts: !rules.readReceipts }, context)).toEqual(decision);
      }),
      RUNS,
    );
  });
});
