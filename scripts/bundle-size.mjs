// The JavaScript the first screen loads (index.html's module script and its static imports), and
// all of it, gzipped: the budget of issue #13 is 150 KiB. Run after `npm run build`.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const dist = join(import.meta.dirname, "../apps/web/dist");
const html = readFileSync(join(dist, "index.html"), "utf8");
const gz = (file) => gzipSync(readFileSync(join(dist, file))).length;
const first = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]));
// Static imports of a chunk: `import … from "./x.js"` at its top (dynamic import() not counted).
const queue = [...first];
while (queue.length) {
  const file = queue.pop();
  const code = readFileSync(join(dist, file), "utf8");
  for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^"'()]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) {
    const dep = `assets/${m[1]}`;
    if (!first.has(dep)) {
      first.add(dep);
      queue.push(dep);
    }
  }
}
const all = readdirSync(join(dist, "assets"))
  .filter((f) => f.endsWith(".js"))
  .map((f) => `assets/${f}`);
const sum = (files) => [...files].reduce((n, f) => n + gz(f), 0) / 1024;
console.log(`first screen: ${sum(first).toFixed(1)} KiB gzipped (${first.size} files)`);
console.log(`all JavaScript: ${sum(all).toFixed(1)} KiB gzipped (${all.length} files)`);
