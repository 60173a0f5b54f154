import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { exportedNames, stubProcessors, stubToJsonSchema } from "./zod-plugin.ts";

// The zod the web app builds with, copied with the plugin's two stubs in place.
const zodV4 = join(dirname(createRequire(import.meta.url).resolve("zod/package.json")), "v4");
const copy = mkdtempSync(join(tmpdir(), "zod-stubbed-"));
cpSync(zodV4, copy, { recursive: true });
const core = (file: string) => join(copy, "core", file);
const original = {
  toJsonSchema: readFileSync(core("to-json-schema.js"), "utf8"),
  processors: readFileSync(core("json-schema-processors.js"), "utf8"),
};
writeFileSync(core("to-json-schema.js"), stubToJsonSchema(original.toJsonSchema));
writeFileSync(core("json-schema-processors.js"), stubProcessors(original.processors));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe("zod without its JSON Schema generator (the SPA's build)", () => {
  it("keeps every export of both modules", () => {
    expect(exportedNames(stubToJsonSchema(original.toJsonSchema)).sort()).toEqual(
      exportedNames(original.toJsonSchema).sort(),
    );
    expect(exportedNames(stubProcessors(original.processors)).sort()).toEqual(
      exportedNames(original.processors).sort(),
    );
    expect(exportedNames(original.processors)).toContain("stringProcessor");
  });

  it("parses as zod does, reads checks back, and refuses only JSON Schema", async () => {
    const { z } = (await import(
      pathToFileURL(join(copy, "classic", "index.js")).href
    )) as typeof import("zod");
    const Person = z.strictObject({
      handle: z.string().min(3).max(32),
      note: z.string().optional(),
      state: z.enum(["open", "closed"]),
    });
    expect(Person.parse({ handle: "alice", state: "open" })).toEqual({ handle: "alice", state: "open" });
    const refused = Person.safeParse({ handle: "al", state: "gone", extra: 1 });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((issue) => issue.code).sort()).toEqual([
      "invalid_value",
      "too_small",
      "unrecognized_keys",
    ]);
    expect(z.string().min(3).minLength).toBe(3);
    expect(() => z.toJSONSchema(Person)).toThrow(/not built into the web app/);
    expect(() => Person.toJSONSchema()).toThrow(/not built into the web app/);
  });

  it("fails the build, not the app, when zod's layout changes", () => {
    expect(() => stubProcessors("export const stringProcessor = () => {};")).toThrow(/aggregateChecks/);
    expect(() => stubToJsonSchema("export function finalize() {}")).toThrow(/createToJSONSchemaMethod/);
  });
});
