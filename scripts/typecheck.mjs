// Type-checks every workspace with its own tsconfig (browser and workers globals differ).
// tsc is single-threaded: as many run at once as the machine has cores; each one's output is
// printed whole when it ends, so two projects' errors never interleave.
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { projects } from "./projects.mjs";

const TSC = join(import.meta.dirname, "../node_modules/.bin/tsc");

function check(project) {
  return new Promise((resolve) => {
    const child = spawn(TSC, ["-p", project], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.once("error", (error) => resolve({ project, ok: false, output: `${output}${error.message}\n` }));
    child.once("close", (status) => resolve({ project, ok: status === 0, output }));
  });
}

const queue = [...projects];
const results = [];
async function worker() {
  for (let project = queue.shift(); project !== undefined; project = queue.shift()) {
    const result = await check(project);
    process.stdout.write(result.output);
    console.log(`typecheck ${project}: ${result.ok ? "ok" : "FAILED"}`);
    results.push(result);
  }
}
await Promise.all(
  Array.from({ length: Math.max(1, Math.min(availableParallelism(), projects.length)) }, worker),
);
process.exit(results.every((result) => result.ok) ? 0 : 1);
