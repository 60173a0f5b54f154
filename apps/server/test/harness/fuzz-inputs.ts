import fc from "fast-check";
import type { z } from "zod";
import { ODD_STRINGS } from "./hostile-strings.ts";

/**
 * Inputs for the bad-input fuzzer (apps/server/test/fuzz.test.ts): values shaped by a protocol
 * schema, then broken (wrong types, missing and extra keys, prototype keys, huge strings and
 * numbers, deep nesting), and bodies that are not JSON at all (garbage, invalid UTF-8).
 */

/** JSON text spliced in as is when a value is written out: numbers JSON.stringify cannot write. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** An own property's value (`__proto__` included, which is often an own key here). */
function own(value: unknown, key: string | number): unknown {
  return Object.getOwnPropertyDescriptor(value, key)?.value;
}

/** Writes a value as JSON text: own keys in order (`__proto__` included), RawJson verbatim. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value).map((key) => `${JSON.stringify(key)}:${toJsonText(own(value, key))}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** A plain object that may hold `__proto__` as an own key, as JSON.parse makes it. */
function ownKeys(entries: Array<[string, unknown]>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return object;
}

type Def = {
  type: string;
  checks?: Array<{ _zod: { def: Record<string, unknown> } }>;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  innerType?: z.ZodType;
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  entries?: Record<string, string>;
  values?: unknown[];
  coerce?: boolean;
  in?: z.ZodType;
};

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

function stringChecks(def: Def) {
  let min = 0;
  let max: number | undefined;
  let pattern: RegExp | undefined;
  for (const check of def.checks ?? []) {
    const c = check._zod.def;
    if (c.check === "min_length") min = c.minimum as number;
    if (c.check === "max_length") max = c.maximum as number;
    if (c.check === "string_format" && c.format === "regex") pattern = c.pattern as RegExp;
  }
  return { min, max, pattern };
}

/**
 * Values of a zod schema's shape, mostly valid: keys, types, enums and literals follow the schema;
 * strings follow its pattern and length. Refinements are not followed (the oracle is the schema).
 */
export function shapedBy(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case "string": {
      const { min, max, pattern } = stringChecks(def);
      const base = pattern
        ? fc.stringMatching(pattern, { size: "small" })
        : fc.string({ unit: "grapheme", maxLength: Math.min(max ?? 40, 40) });
      return base.map((s) => s.padEnd(min, "x").slice(0, max ?? s.length + min));
    }
    case "number": {
      const n = fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.integer(), fc.double({ noNaN: true }));
      return def.coerce ? n.map(String) : n;
    }
    case "boolean":
      return fc.boolean();
    case "enum":
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case "literal":
      return fc.constantFrom(...(def.values ?? [null]));
    case "optional":
    case "default":
      return fc.option(shapedBy(def.innerType as z.ZodType, depth), { nil: undefined, freq: 3 });
    case "nullable":
      return fc.option(shapedBy(def.innerType as z.ZodType, depth), { nil: null, freq: 4 });
    case "object": {
      const shape = Object.fromEntries(
        Object.entries(def.shape ?? {}).map(([key, value]) => [key, shapedBy(value, depth + 1)]),
      );
      return fc
        .record(shape)
        .map((record) =>
          Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)),
        );
    }
    case "record":
      if (depth > 4) return fc.constant({});
      return fc.dictionary(
        shapedBy(def.keyType as z.ZodType, depth + 1) as fc.Arbitrary<string>,
        shapedBy(def.valueType as z.ZodType, depth + 1),
        { maxKeys: 4 },
      );
    case "array":
      if (depth > 4) return fc.constant([]);
      return fc.array(shapedBy(def.element as z.ZodType, depth + 1), { maxLength: 4 });
    case "union":
      return fc.oneof(...(def.options ?? []).map((option) => shapedBy(option, depth)));
    case "pipe":
      return shapedBy(def.in as z.ZodType, depth);
    default:
      return fc.constant(null);
  }
}

/** Keys that mean something to JavaScript objects, or look like ours. */
const ODD_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "type",
  "handle",
  "id",
  "",
  "\u0000",
  "\u202ekey",
  "a".repeat(300),
];

/** Deeply nested JSON of one kind, as text. */
function nested(depth: number, kind: "array" | "object"): RawJson {
  return kind === "array"
    ? new RawJson("[".repeat(depth) + "]".repeat(depth))
    : new RawJson(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`);
}

/** A value of the wrong kind, or of the right kind at a size or edge no one expects. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    [],
    {},
    new RawJson("-0"),
    new RawJson("1e999"),
    new RawJson("-1e999"),
    new RawJson("9007199254740993"),
    new RawJson("123456789012345678901234567890"),
    new RawJson("1e-400"),
    Number.MAX_VALUE,
    -Number.MAX_SAFE_INTEGER,
    ownKeys([["__proto__", { polluted: true }]]),
    ownKeys([["constructor", { prototype: { polluted: true } }]]),
  ),
  fc.constantFrom<unknown>(...ODD_STRINGS),
  fc.string({ unit: "binary", maxLength: 50 }),
  fc.integer({ min: 100, max: 20_000 }).map((n) => "x".repeat(n)),
  fc.integer({ min: 10, max: 4_000 }).map((n) => nested(n, "array")),
  fc.integer({ min: 10, max: 2_000 }).map((n) => nested(n, "object")),
  fc.array(fc.constantFrom<unknown>(null, 1, "a", {}), { maxLength: 5 }),
);

/** One change to a value: a node replaced, a key removed or added, a node wrapped. */
type Mutation =
  | { kind: "replace"; at: number; value: unknown }
  | { kind: "delete"; at: number }
  | { kind: "add"; at: number; key: string; value: unknown }
  | { kind: "wrap"; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("replace"), at: fc.nat(), value: weirdValue }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("delete"), at: fc.nat() }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant("add"),
      at: fc.nat(),
      key: fc.oneof(fc.constantFrom(...ODD_KEYS), fc.string({ maxLength: 10 })),
      value: weirdValue,
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant("wrap"), at: fc.nat() }), weight: 1 },
) as fc.Arbitrary<Mutation>;

type Path = Array<string | number>;

function paths(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) paths(item, [...at, i], out);
  } else if (value !== null && typeof value === "object" && !(value instanceof RawJson)) {
    for (const key of Object.keys(value)) paths(own(value, key), [...at, key], out);
  }
  return out;
}

/** A copy of `value` with the node at `path` replaced by what `change` makes of it. */
function update(value: unknown, path: Path, change: (node: unknown) => unknown | typeof REMOVE): unknown {
  if (path.length === 0) return change(value);
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    const next = update(copy[head as number], rest, change);
    if (next === REMOVE) copy.splice(head as number, 1);
    else copy[head as number] = next;
    return copy;
  }
  return ownKeys(
    Object.keys(value as object).flatMap((key): Array<[string, unknown]> => {
      if (key !== head) return [[key, own(value, key)]];
      const next = update(own(value, key), rest, change);
      return next === REMOVE ? [] : [[key, next]];
    }),
  );
}
const REMOVE = Symbol("remove");

export function mutate(value: unknown, change: Mutation): unknown {
  const all = paths(value);
  const path = all[change.at % all.length] as Path;
  switch (change.kind) {
    case "replace":
      return update(value, path, () => change.value);
    case "delete":
      return path.length === 0 ? undefined : update(value, path, () => REMOVE);
    case "add": {
      const objects = all.filter((p) => {
        const node = p.reduce<unknown>((n, k) => own(n, k), value);
        return (
          node !== null && typeof node === "object" && !Array.isArray(node) && !(node instanceof RawJson)
        );
      });
      if (objects.length === 0) return value;
      const target = objects[change.at % objects.length] as Path;
      return update(value, target, (node) =>
        ownKeys([...Object.entries(node as Record<string, unknown>), [change.key, change.value]]),
      );
    }
    case "wrap":
      return update(value, path, (node) => [node]);
    default: {
      const unknownKind: never = change;
      return unknownKind;
    }
  }
}

/** A schema's value with none to three mutations: valid now and then, mostly not. */
export function mutatedBy(schema: z.ZodType): fc.Arbitrary<unknown> {
  return fc
    .tuple(shapedBy(schema), fc.array(mutation, { maxLength: 3 }))
    .map(([value, changes]) => changes.reduce((v, change) => mutate(v, change), value));
}

/** Bytes that are not UTF-8: lone continuation bytes, overlong forms, surrogates, truncations. */
export const invalidUtf8: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constantFrom(
    Uint8Array.of(0xff, 0xfe, 0xfd),
    Uint8Array.of(0x7b, 0x22, 0x68, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d), // {"h":"<overlong />"}
    Uint8Array.of(0x7b, 0x22, 0x68, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d), // a surrogate
    Uint8Array.of(0x7b, 0x22, 0x68, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0x22, 0x7d), // truncated
    Uint8Array.of(0x80),
    Uint8Array.of(0xf8, 0x88, 0x80, 0x80, 0x80),
  ),
  fc.uint8Array({ minLength: 1, maxLength: 200 }),
);

/** Text that is not JSON, or JSON that is not an object. */
export const garbageText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.constantFrom(
    "",
    "null",
    "true",
    "0",
    '"text"',
    "[]",
    "{",
    "}",
    '{"a":1,}',
    "{'a':1}",
    "\ufeff{}",
    "{}garbage",
    '{"a":1}{"a":2}',
    "NaN",
    "Infinity",
    "undefined",
    "<xml/>",
    "a=1&b=2",
    "\u0000",
  ),
  fc.integer({ min: 1_000, max: 6_000 }).map((n) => "[".repeat(n) + "]".repeat(n)),
);

/** A body over the 16 KiB limit, or a frame over 64 KiB: JSON, so only the size is wrong. */
export function oversizedJson(bytes: number): fc.Arbitrary<string> {
  return fc.integer({ min: bytes + 1, max: bytes * 2 }).map((n) => JSON.stringify({ note: "x".repeat(n) }));
}
