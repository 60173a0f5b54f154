import { describe, expect, it } from "vitest";
import { checkSources } from "./check-safe-lookups.mjs";

const prelude = `
type Handle = string & { readonly __brand: "Handle" };
type Action = "allow" | "confirm" | "block";
declare const handle: string;
declare const branded: Handle;
declare const people: Record<string, { action: Action }>;
declare const byHandle: Record<Handle, number>;
declare const indexed: { [k: string]: number };
declare const parsed: any;
declare const action: Action;
declare function assertNever(value: never): never;
`;

// Each case is its own file in one program, so the compiler starts once.
const flagged = {
  "record read": "people[handle];",
  "branded record read": "byHandle[branded];",
  "index signature read": "indexed[handle];",
  "any object read": "parsed[handle];",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source text, not a template
  "template key": "declare const key: `user:${string}`; indexed[key];",
  "record write": "indexed[handle] = 1;",
  "compound assignment": "declare const counts: Record<string, number>; counts[handle] += 1;",
  delete: "delete indexed[handle];",
  "computed destructuring": "const { [handle]: one } = people;",
  "in on a record": `if (handle in people) {}`,
  "optional chain": "declare const maybe: Record<string, number> | undefined; maybe?.[handle];",
  "switch without default": `function f(a: Action) { switch (a) { case "allow": return 1; case "confirm": return 2; } return 0; }`,
  "switch with silent default": `function f(a: Action) { switch (a) { case "allow": return 1; default: return 0; } }`,
  "escape without reason": "// safe-lookup:\npeople[handle];",
  "guard on another key": "declare const other: string; if (Object.hasOwn(people, other)) people[handle];",
  "early return that does not exit":
    "function take(key: string) { if (!Object.hasOwn(people, key)) { console.log(key); } return people[key]; }",
  "guard outside the callback": "if (Object.hasOwn(people, handle)) [1].map(() => people[handle]);",
};

const clean = {
  "map get": "const map = new Map<string, number>(); map.get(handle);",
  "array by index": "declare const arr: number[]; declare const i: number; arr[i];",
  "tuple by index": "declare const pair: [number, string]; pair[0];",
  "typed array": "declare const bytes: Uint8Array; declare const i: number; bytes[i];",
  "literal key": `people["literal"];`,
  "literal union key": `declare const table: Record<Action, number>; table[action]; indexed[action];`,
  "Object.hasOwn guard": "Object.hasOwn(people, handle);",
  "hasOwnProperty guard": "Object.prototype.hasOwnProperty.call(people, handle);",
  "omit idiom": "const { [handle]: _dropped, ...rest } = people;",
  "read behind Object.hasOwn": "const hit = Object.hasOwn(people, handle) ? people[handle] : undefined;",
  "read behind an if": "if (parsed && Object.hasOwn(parsed, handle)) { delete parsed[handle]; }",
  "delete after an early return":
    "function take(key: string) { if (!parsed || !Object.hasOwn(parsed, key)) return; delete parsed[key]; }",
  "read behind &&":
    "declare const maybe: Record<string, number> | undefined; maybe && Object.hasOwn(maybe, handle) && maybe[handle];",
  "switch with never default": `function f(a: Action) { switch (a) { case "allow": case "confirm": case "block": return 1; default: { const unhandled: never = a; return unhandled; } } }`,
  "switch with assertNever": `function f(a: Action) { switch (a) { case "allow": case "confirm": case "block": return 1; default: return assertNever(a); } }`,
  "switch with satisfies never": `function f(a: Action) { switch (a) { case "allow": case "confirm": case "block": return 1; default: a satisfies never; return 0; } }`,
  "switch over a string": "function f(s: string) { switch (s) { case 'a': return 1; } return 0; }",
  "escape with reason": "// safe-lookup: keys are fixed by the loop above\npeople[handle];",
};

const sources = Object.fromEntries(
  [...Object.entries(flagged), ...Object.entries(clean)].map(([name, code]) => [
    `${name}.ts`,
    `${prelude}\n${code}\nexport {};\n`,
  ]),
);
const findings = checkSources(sources);
const findingsIn = (name: string) => findings.filter((f) => f.file === `${name}.ts`);

describe("check-safe-lookups", () => {
  it.each(Object.keys(flagged))("flags %s", (name) => {
    expect(findingsIn(name)).toHaveLength(1);
  });

  it.each(Object.keys(clean))("accepts %s", (name) => {
    expect(findingsIn(name)).toEqual([]);
  });

  it("says where and what, and tells reads from writes", () => {
    const [finding] = findingsIn("record write");
    expect(finding).toMatchObject({ line: prelude.split("\n").length + 1, column: 1, kind: "index" });
    expect(finding?.message).toMatch(/^writes a string-keyed record/);
    expect(findingsIn("delete")[0]?.message).toMatch(/^deletes/);
    expect(findingsIn("switch without default")[0]?.kind).toBe("switch");
    expect(findingsIn("escape without reason")[0]?.kind).toBe("escape");
  });
});
