// Type-checks every workspace with its own tsconfig (browser and workers globals differ).
import { spawnSync } from "node:child_process";

const projects = [
  "packages/protocol",
  "packages/model",
  "apps/server",
  "apps/server/test",
  "apps/web",
  "e2e",
  "bench",
];
let failed = false;
for (const project of projects) {
  const result = spawnSync("npx", ["tsc", "-p", project], { stdio: "inherit" });
  if (result.status !== 0) failed = true;
  console.log(`typecheck ${project}: ${result.status === 0 ? "ok" : "FAILED"}`);
}
process.exit(failed ? 1 : 0);
