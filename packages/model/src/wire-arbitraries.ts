/**
 * Generators shared by the model's property tests (imported only by *.property.test.ts): handles
 * that include every name a plain object inherits, and records keyed by them built the way the
 * wire builds them, so that `__proto__` arrives as an own key.
 */
import fc from "fast-check";

/** Every name on Object.prototype (`constructor`, `__proto__`, `toString`, ...), plus a few more that tempt. */
export const PROTOTYPE_NAMES: readonly string[] = [
  ...Object.getOwnPropertyNames(Object.prototype),
  "prototype",
  "length",
  "action",
  "show",
];

const PLAIN_NAMES = ["alice", "bob", "carol", "dave", "eve"];

/** A handle: mostly from a small pool (so rules, groups and blocklists collide), sometimes any string. */
export const handleArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
  { weight: 3, arbitrary: fc.constantFrom(...PLAIN_NAMES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

/** How a record keyed by handles comes to exist: each way makes `__proto__` an own key. */
export type RecordBuilder = "json" | "fromEntries" | "defineProperty";

export const recordBuilderArb: fc.Arbitrary<RecordBuilder> = fc.constantFrom(
  "json",
  "fromEntries",
  "defineProperty",
);

/** A plain object (Object.prototype and all) whose own keys are exactly the given ones. */
export function wireRecord<T>(
  entries: ReadonlyArray<readonly [string, T]>,
  how: RecordBuilder,
): Record<string, T> {
  switch (how) {
    case "json":
      return JSON.parse(
        `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`,
      );
    case "fromEntries":
      return Object.fromEntries(entries);
    case "defineProperty": {
      const record: Record<string, T> = {};
      for (const [key, value] of entries) {
        Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
      }
      return record;
    }
    default: {
      const unhandled: never = how;
      throw new Error(`unknown record builder ${String(unhandled)}`);
    }
  }
}

/** Entries with distinct keys, ready for `wireRecord`. */
export function entriesArb<T>(value: fc.Arbitrary<T>, maxLength = 8): fc.Arbitrary<[string, T][]> {
  return fc.uniqueArray(fc.tuple(handleArb, value), { maxLength, selector: ([key]) => key });
}

/** A record keyed by handles, built as the wire would build it. */
export function wireRecordArb<T>(value: fc.Arbitrary<T>, maxLength = 8): fc.Arbitrary<Record<string, T>> {
  return fc
    .tuple(entriesArb(value, maxLength), recordBuilderArb)
    .map(([entries, how]) => wireRecord(entries, how));
}
