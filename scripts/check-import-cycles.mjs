// Fails on any import cycle between the source files of the apps and packages: a cycle makes the
// order modules run in depend on which one is imported first, and it means two "layers" are one.
// Run: `node scripts/check-import-cycles.mjs`. Known cycles someone is already taking apart are
// named, with a reason, in scripts/import-cycles-allowed.json; any other cycle fails.
//
// Edges are static `import` and `export … from` statements with a relative specifier, type-only
// ones included (a type cycle is still two modules that cannot be understood apart). A dynamic
// `import()` is not an edge: it is how a module deliberately loads another later (a lazy route).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const SOURCE = /\.(ts|tsx|mts|js|mjs|jsx)$/;
const RESOLVE_OPTIONS = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  allowJs: true,
  jsx: ts.JsxEmit.ReactJSX,
  noEmit: true,
};

/** Every source file under `dir`, tests and fixtures included (they can close cycles too). */
export function sourceFiles(dir) {
  const files = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist") continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) files.push(...sourceFiles(full));
    else if (SOURCE.test(name) && !name.endsWith(".d.ts")) files.push(full);
  }
  return files;
}

/** The relative specifiers a module imports statically (dynamic `import()` left out: see above). */
export function staticImports(fileName, text) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const specifiers = [];
  for (const statement of source.statements) {
    const specifier =
      ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)
        ? statement.moduleSpecifier
        : ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)
          ? statement.moduleReference.expression
          : undefined;
    if (specifier && ts.isStringLiteral(specifier) && specifier.text.startsWith(".")) {
      specifiers.push(specifier.text);
    }
  }
  return specifiers;
}

/**
 * The import graph of `files`: each file to the files it imports, resolved the way the
 * compiler resolves them. Imports of files outside the set (other workspaces) are left out.
 * `read` is injectable so a test can hand in a graph without touching the disk.
 */
export function importGraph(files, read = (file) => readFileSync(file, "utf8")) {
  const known = new Set(files.map((f) => path.resolve(f)));
  const host = {
    fileExists: (file) => known.has(path.resolve(file)) || ts.sys.fileExists(file),
    readFile: (file) => (known.has(path.resolve(file)) ? read(file) : ts.sys.readFile(file)),
  };
  /** @type {Map<string, string[]>} */
  const graph = new Map();
  for (const file of known) {
    const targets = [];
    for (const specifier of staticImports(file, read(file))) {
      const resolved = ts.resolveModuleName(specifier, file, RESOLVE_OPTIONS, host).resolvedModule;
      const target = resolved && path.resolve(resolved.resolvedFileName);
      if (target && known.has(target) && !targets.includes(target)) targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** The strongly connected components of `graph` that hold a cycle (Tarjan's algorithm). */
function tangledComponents(graph) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  function visit(node) {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node), low.get(target)));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node), index.get(target)));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = (graph.get(node) ?? []).includes(node);
      if (component.length > 1 || selfLoop) components.push(new Set(component));
    }
  }
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components;
}

/**
 * Every elementary cycle of `graph`, each as a chain of files starting at its smallest file
 * (so one cycle always reads the same way). Past `limit` cycles it stops: a tangle that large
 * needs taking apart, not a longer list.
 */
export function findCycles(graph, limit = 500) {
  const cycles = [];
  for (const component of tangledComponents(graph)) {
    const members = [...component].sort();
    // Each cycle is found once, from its smallest member, through members after it only.
    for (const [i, start] of members.entries()) {
      const allowed = new Set(members.slice(i));
      const chain = [start];
      const onChain = new Set(chain);
      const walk = (node) => {
        for (const target of graph.get(node) ?? []) {
          if (cycles.length >= limit) return;
          if (!allowed.has(target)) continue;
          if (target === start) cycles.push([...chain, start]);
          else if (!onChain.has(target)) {
            chain.push(target);
            onChain.add(target);
            walk(target);
            chain.pop();
            onChain.delete(target);
          }
        }
      };
      walk(start);
    }
  }
  return cycles;
}

/** A cycle as the allow-list and the report write it: files relative to `root`, joined by arrows. */
export function cycleText(cycle, root) {
  return cycle.map((file) => path.relative(root, file).split(path.sep).join("/")).join(" -> ");
}

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");

/** The folders whose imports are checked: the apps' sources and every package's. */
export function checkedFolders() {
  const packages = readdirSync(path.join(root, "packages")).map((name) => path.join("packages", name, "src"));
  return ["apps/web/src", "apps/server/src", ...packages].map((dir) => path.join(root, dir));
}

/** The cycles known and allowed for now, each with why (see the file). */
function allowedCycles() {
  const file = path.join(here, "import-cycles-allowed.json");
  const list = JSON.parse(readFileSync(file, "utf8"));
  return new Map(list.map((entry) => [entry.cycle, entry.reason]));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = checkedFolders().flatMap((dir) => sourceFiles(dir));
  const cycles = findCycles(importGraph(files)).map((cycle) => cycleText(cycle, root));
  const allowed = allowedCycles();
  const found = cycles.filter((cycle) => !allowed.has(cycle));
  for (const cycle of found) console.error(`import cycle: ${cycle}`);
  for (const cycle of allowed.keys())
    if (!cycles.includes(cycle))
      console.warn(`import-cycles-allowed.json names a cycle that is gone; remove it: ${cycle}`);
  const known = cycles.length - found.length;
  console.log(
    `check-import-cycles: ${files.length} files, ${found.length} cycle(s)${known ? ` (+${known} allowed)` : ""}`,
  );
  process.exit(found.length ? 1 : 0);
}
