import type { VisibilityRules } from "@pim/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { visibilityPolicy, watchesAnonymously } from "./visibility-rules.ts";
import { handleArb, PROTOTYPE_NAMES, wireRecordArb } from "./wire-arbitraries.ts";

/** Visibility rules as they arrive from the wire: per-presentity choices keyed by any handle. */
const rulesArb: fc.Arbitrary<VisibilityRules> = fc.record(
  { anonymous: fc.boolean(), presentities: wireRecordArb(fc.boolean()) },
  { noNullPrototype: true },
);

describe("watchesAnonymously, for arbitrary choices keyed by any handle (Object.prototype names included)", () => {
  it("is the presentity's own choice when there is one, else the default", () => {
    fc.assert(
      fc.property(rulesArb, handleArb, (rules, presentity) => {
        const expected = Object.hasOwn(rules.presentities, presentity)
          ? rules.presentities[presentity]
          : rules.anonymous;
        expect(watchesAnonymously(visibilityPolicy(rules), presentity)).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });

  it("is always a boolean, even for a built-in name nobody chose for", () => {
    fc.assert(
      fc.property(rulesArb, fc.constantFrom(...PROTOTYPE_NAMES), (rules, presentity) => {
        const presentities = { ...rules.presentities };
        // safe-lookup: delete removes only an own key (an own `__proto__` too), never a built-in
        delete presentities[presentity];
        const result = watchesAnonymously(visibilityPolicy({ ...rules, presentities }), presentity);
        expect(result).toBe(rules.anonymous);
      }),
      { numRuns: 300 },
    );
  });
});
