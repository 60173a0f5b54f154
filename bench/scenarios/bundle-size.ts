import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

/**
 * The SPA's JavaScript, gzipped, read from the build: what index.html's module script and its
 * static imports come to (followed through the chunks) and all of it (overlays, settings,
 * conversation, loaded later). The 150 KiB budget (decision 23) is judged on what the first
 * screen really loads in Chromium (app-load.ts), of which this static figure is the floor.
 * Run after `npm run build`: `npx tsx bench/scenarios/bundle-size.ts`.
 */
export type BundleSize = { firstScreenKiB: number; allKiB: number; cssKiB: number };

const DIST = join(import.meta.dirname, "../../apps/web/dist/parties/app");

/** These files of the build (paths inside it, `assets/x.js`), each gzipped, added up, in KiB. */
export function gzippedKiB(files: Iterable<string>, dist = DIST): number {
  const bytes = [...files].reduce((n, f) => n + gzipSync(readFileSync(join(dist, f))).byteLength, 0);
  return Math.round((bytes / 1024) * 10) / 10;
}

export function bundleSize(dist = DIST): BundleSize {
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const first = new Set(
    [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string),
  );
  const queue = [...first];
  for (let file = queue.pop(); file; file = queue.pop()) {
    const code = readFileSync(join(dist, file), "utf8");
    // Static imports only (`import … from "./x.js"`); import() is loaded later.
    for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^"'()]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) {
      const dep = `assets/${m[1]}`;
      if (!first.has(dep)) {
        first.add(dep);
        queue.push(dep);
      }
    }
  }
  const assets = readdirSync(join(dist, "assets")).map((f) => `assets/${f}`);
  const kib = (files: Iterable<string>) => gzippedKiB(files, dist);
  return {
    firstScreenKiB: kib(first),
    allKiB: kib(assets.filter((f) => f.endsWith(".js"))),
    cssKiB: kib(assets.filter((f) => f.endsWith(".css"))),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const size = bundleSize();
  console.log(
    `first screen: ${size.firstScreenKiB} KiB gzipped; all JavaScript: ${size.allKiB} KiB; CSS ${size.cssKiB} KiB`,
  );
}
