import path from "node:path";
import { describe, expect, it } from "vitest";
import { cycleText, findCycles, importGraph, staticImports } from "./check-import-cycles.mjs";

const root = path.resolve("/fixture");

/** A tiny program held in memory: file name to source text. */
function graphOf(sources: Record<string, string>) {
  const files = new Map(Object.entries(sources).map(([name, text]) => [path.join(root, name), text]));
  return importGraph([...files.keys()], (file: string) => files.get(path.resolve(file)) ?? "");
}

function cyclesOf(sources: Record<string, string>): string[] {
  return findCycles(graphOf(sources)).map((cycle: string[]) => cycleText(cycle, root));
}

describe("check-import-cycles", () => {
  it("finds no cycle in a graph that only goes down", () => {
    expect(
      cyclesOf({
        "app.ts": `import { a } from "./lib/a.ts"; import { b } from "./lib/b";`,
        "lib/a.ts": `import { b } from "./b.ts"; export const a = b;`,
        "lib/b.ts": `export const b = 1;`,
      }),
    ).toEqual([]);
  });

  it("reports a cycle as the chain of files, from its smallest file", () => {
    expect(
      cyclesOf({
        "c.ts": `import { a } from "./a.ts";`,
        "a.ts": `import { b } from "./b.ts";`,
        "b.ts": `export { c } from "./c.ts";`,
      }),
    ).toEqual(["a.ts -> b.ts -> c.ts -> a.ts"]);
  });

  it("reports every cycle of a tangle, type-only imports and index files included", () => {
    expect(
      cyclesOf({
        "a.ts": `import type { B } from "./b.ts"; import { c } from "./c/index.ts";`,
        "b.ts": `import { a } from "./a";`,
        "c/index.ts": `import { a } from "../a.ts";`,
      }),
    ).toEqual(["a.ts -> b.ts -> a.ts", "a.ts -> c/index.ts -> a.ts"]);
  });

  it("counts a file importing itself", () => {
    expect(cyclesOf({ "self.ts": `import "./self.ts";` })).toEqual(["self.ts -> self.ts"]);
  });

  it("leaves out dynamic imports, packages and files outside the checked set", () => {
    expect(
      cyclesOf({
        "router.ts": `const page = () => import("./page.ts"); import { z } from "zod"; import "../elsewhere.ts";`,
        "page.ts": `import { router } from "./router.ts";`,
      }),
    ).toEqual([]);
  });

  it("reads import and export-from statements only", () => {
    expect(
      staticImports(
        "x.ts",
        `import a from "./a.ts"; export * from "./b.ts"; import type { C } from "./c.ts";
         import d = require("./d.ts"); const e = "./e.ts"; import("./f.ts"); import "react";`,
      ),
    ).toEqual(["./a.ts", "./b.ts", "./c.ts", "./d.ts"]);
  });
});
