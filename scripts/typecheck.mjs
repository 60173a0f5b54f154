// Type-checks every workspace with its own tsconfig (browser and workers globals differ).
import { spawnSync } from "node:child_process";
import { projects } from "./projects.mjs";

let failed = false;
for (const project of projects) {
  const result = spawnSync("npx", ["tsc", "-p", project], { stdio: "inherit" });
  if (result.status !== 0) failed = true;
  console.log(`typecheck ${project}: ${result.status === 0 ? "ok" : "FAILED"}`);
}
process.exit(failed ? 1 : 0);
