// `npm run scale`: prices a population from the per-operation counts the bench measured
// (`npm run bench -- --only ops`) and the published prices (bench/scale/pricing.json).
import { join } from "node:path";
import { optionsOrExit } from "../command-line.ts";
import { readOps, readPricing } from "./files.ts";
import { parseOptions, USAGE } from "./options.ts";
import { figures, toMarkdown } from "./scale-report.ts";

const options = optionsOrExit(parseOptions(process.argv.slice(2)), USAGE);
try {
  const ops = readOps(options.ops ?? join(import.meta.dirname, "../results/ops.json"));
  const pricing = readPricing(options.pricing ?? join(import.meta.dirname, "pricing.json"));
  const result = figures({ ...options, ops, pricing });
  console.log(options.json ? JSON.stringify(result, null, 2) : toMarkdown(result));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
