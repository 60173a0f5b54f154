import type { DeliveryRules } from "@pim/protocol";
import { describe, expect, it } from "vitest";
import { DEFAULT_DELIVERY_RULES } from "./default-rules.ts";
import {
  type DeliveryContext,
  decideDelivery,
  NOT_ACCEPTING,
  NOT_ACCEPTING_WHILE_CLOSED,
} from "./delivery-rules.ts";

const open: DeliveryContext = {
  sender: "bob",
  blocked: false,
  senderIsBuddy: false,
  statusSeenBySender: "open",
  recipientAvailability: "available",
};
const rules = (r: Partial<DeliveryRules>): DeliveryRules => ({ ...DEFAULT_DELIVERY_RULES, ...r });
const refused = { accepted: false, reason: "refused", message: NOT_ACCEPTING };
const closedRefusal = { accepted: false, reason: "closed", message: NOT_ACCEPTING_WHILE_CLOSED };
const loud = { accepted: true, silent: false };
const silent = { accepted: true, silent: true };

describe("decideDelivery: every rule and combination", () => {
  it.each<{
    case: string;
    rules: Partial<DeliveryRules>;
    context: Partial<DeliveryContext>;
    expected: object;
  }>([
    { case: "defaults: anyone, open", rules: {}, context: {}, expected: loud },
    {
      case: "defaults: a CLOSED recipient still receives into the inbox",
      rules: {},
      context: { statusSeenBySender: "closed" },
      expected: loud,
    },
    { case: "blocked sender", rules: {}, context: { blocked: true }, expected: refused },
    { case: "blocked buddy", rules: {}, context: { blocked: true, senderIsBuddy: true }, expected: refused },
    { case: "buddies only, a stranger", rules: { whoMayWrite: "buddies" }, context: {}, expected: refused },
    {
      case: "buddies only, a buddy",
      rules: { whoMayWrite: "buddies" },
      context: { senderIsBuddy: true },
      expected: loud,
    },
    {
      case: "nobody, even a buddy",
      rules: { whoMayWrite: "nobody" },
      context: { senderIsBuddy: true },
      expected: refused,
    },
    {
      case: "refuse while CLOSED, recipient CLOSED",
      rules: { whileClosed: "refuse" },
      context: { statusSeenBySender: "closed" },
      expected: closedRefusal,
    },
    {
      case: "refuse while CLOSED, recipient OPEN",
      rules: { whileClosed: "refuse" },
      context: {},
      expected: loud,
    },
    {
      case: "refuse while CLOSED, shown CLOSED to this sender (polite-block, invisible) while OPEN",
      rules: { whileClosed: "refuse" },
      context: { statusSeenBySender: "closed", recipientAvailability: "available" },
      expected: closedRefusal,
    },
    {
      case: "refuse while CLOSED, a sender who may not see my status: kept, as telling would reveal it",
      rules: { whileClosed: "refuse" },
      context: { statusSeenBySender: undefined },
      expected: loud,
    },
    {
      case: "a sender who may not see my status, do not disturb: silent all the same",
      rules: {},
      context: { statusSeenBySender: undefined, recipientAvailability: "dnd" },
      expected: silent,
    },
    {
      case: "refuse while CLOSED and blocked: the block's wording",
      rules: { whileClosed: "refuse" },
      context: { statusSeenBySender: "closed", blocked: true },
      expected: refused,
    },
    { case: "busy: silent", rules: {}, context: { recipientAvailability: "busy" }, expected: silent },
    {
      case: "do not disturb: silent",
      rules: {},
      context: { recipientAvailability: "dnd" },
      expected: silent,
    },
    { case: "away: not silent", rules: {}, context: { recipientAvailability: "away" }, expected: loud },
    {
      case: "dnd, but the sender always gets through",
      rules: { alwaysThrough: ["bob"] },
      context: { recipientAvailability: "dnd" },
      expected: loud,
    },
    {
      case: "dnd, someone else always gets through",
      rules: { alwaysThrough: ["carol"] },
      context: { recipientAvailability: "dnd" },
      expected: silent,
    },
    {
      case: "always through does not pass a block",
      rules: { alwaysThrough: ["bob"] },
      context: { blocked: true },
      expected: refused,
    },
    {
      case: "buddies only, CLOSED, accept",
      rules: { whoMayWrite: "buddies" },
      context: { senderIsBuddy: true, statusSeenBySender: "closed" },
      expected: loud,
    },
  ])("$case", ({ rules: r, context, expected }) => {
    expect(decideDelivery(rules(r), { ...open, ...context })).toEqual(expected);
  });

  it("a block reads exactly like 'nobody' and 'buddies only'", () => {
    const blocked = decideDelivery(rules({}), { ...open, blocked: true });
    const nobody = decideDelivery(rules({ whoMayWrite: "nobody" }), open);
    const buddies = decideDelivery(rules({ whoMayWrite: "buddies" }), open);
    expect(blocked).toEqual(nobody);
    expect(buddies).toEqual(nobody);
  });
});
