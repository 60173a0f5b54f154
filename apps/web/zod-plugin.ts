import type { Plugin } from "vite";

/**
 * Zod 4's classic schemas carry their own JSON Schema generator: every schema type wires a
 * processor for `toJSONSchema()` (and Standard Schema's `jsonSchema`), so it cannot be tree-shaken,
 * and it is about 5 KiB gzipped of the first screen. The web app never turns a schema into JSON
 * Schema; it only parses. So in the SPA's build (only: the server and the tests use zod as it is)
 * the generator's two modules become stubs that throw if ever called, with the same exports.
 * Parsing is untouched, and so are the shared schemas in @pim/protocol.
 * `aggregateChecks` stays: it answers `schema.minLength` and the like, which are not JSON Schema.
 */
export function zodWithoutJsonSchema(): Plugin {
  return {
    name: "zod-without-json-schema",
    enforce: "pre",
    apply: "build",
    transform(code, id) {
      if (!/\/zod\/v4\/core\/(to-json-schema|json-schema-processors)\.js$/.test(id)) return null;
      try {
        const stubbed = id.endsWith("to-json-schema.js") ? stubToJsonSchema(code) : stubProcessors(code);
        return { code: stubbed, map: null };
      } catch (error) {
        this.error(`${id}: ${(error as Error).message}`);
      }
    },
  };
}

const UNAVAILABLE = `function unavailable() {
  throw new Error("JSON Schema is not built into the web app (see apps/web/zod-plugin.ts)");
}`;

/** Every name a module exports by `export const|function|class NAME` or `export { A as B }`. */
export function exportedNames(code: string): string[] {
  const names = [...code.matchAll(/^export (?:const|let|function\*?|async function|class) (\w+)/gm)].map(
    (m) => m[1] as string,
  );
  for (const [, list] of code.matchAll(/^export \{([^}]*)\}(?! from)/gm))
    for (const item of (list ?? "").split(",")) {
      const name = item
        .trim()
        .split(/\s+as\s+/)
        .at(-1);
      if (name) names.push(name);
    }
  return [...new Set(names)];
}

/** to-json-schema.js: the same exports, each throwing; the method factories return a throwing method. */
export function stubToJsonSchema(code: string): string {
  const names = exportedNames(code);
  for (const factory of ["createToJSONSchemaMethod", "createStandardJSONSchemaMethod"])
    if (!names.includes(factory)) throw new Error(`zod no longer exports ${factory} here`);
  return [
    UNAVAILABLE,
    ...names.map((name) =>
      name.startsWith("create")
        ? `export const ${name} = () => unavailable;`
        : `export const ${name} = unavailable;`,
    ),
  ].join("\n");
}

/** json-schema-processors.js: `aggregateChecks` and what it needs as they are, the processors stubbed. */
export function stubProcessors(code: string): string {
  const end = code.indexOf("\nconst formatMap = {");
  if (end < 0 || !code.slice(0, end).includes("export function aggregateChecks("))
    throw new Error("zod's json-schema-processors.js changed: aggregateChecks is no longer first");
  const kept = code.slice(0, end);
  const keptNames = new Set(exportedNames(kept));
  const stubbed = exportedNames(code).filter((name) => !keptNames.has(name));
  return [
    kept,
    UNAVAILABLE,
    ...stubbed.map((name) =>
      name === "allProcessors" ? `export const ${name} = {};` : `export const ${name} = unavailable;`,
    ),
  ].join("\n");
}
