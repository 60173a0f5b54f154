// npm test: the checks in a row, then the integration and e2e suites at once. Both spend most
// of their time waiting on servers and timers (together about one core of two), so running them
// side by side takes about as long as the longer one. Each one's output is printed whole when it
// ends; the command fails, naming every step that failed, if any did.
import { spawn } from "node:child_process";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const IN_A_ROW = [
  ["lint", [npm, "run", "lint"]],
  ["typecheck", [npm, "run", "typecheck"]],
  ["unit", [npm, "run", "test:unit"]],
  ["build", [npm, "run", "build"]],
  ["test tools", [process.execPath, "scripts/ensure-test-tools.mjs"]],
];
const AT_ONCE = [
  ["integration", [npm, "run", "test:integration"]],
  ["e2e", [npm, "run", "test:e2e"]],
];

const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(0)} s`;

/** Runs one step; its output goes straight through, or is kept and returned when `keep`. */
function run(name, [command, ...args], keep) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: keep ? ["ignore", "pipe", "pipe"] : "inherit" });
    let output = "";
    if (keep) for (const stream of [child.stdout, child.stderr]) stream.on("data", (d) => (output += d));
    child.on("error", (error) => resolve({ name, code: 1, output: `${output}${error.message}\n`, started }));
    child.on("close", (code, signal) => resolve({ name, code: code ?? (signal ? 1 : 0), output, started }));
  });
}

const failed = [];
for (const [name, command] of IN_A_ROW) {
  console.log(`\n== ${name}`);
  const result = await run(name, command, false);
  console.log(
    `== ${name}: ${result.code === 0 ? "passed" : `FAILED (exit ${result.code})`} in ${seconds(result.started)}`,
  );
  if (result.code !== 0) {
    failed.push(name);
    break; // later steps need what this one checks (the build, the tools)
  }
}
if (failed.length === 0) {
  console.log(`\n== ${AT_ONCE.map(([name]) => name).join(" and ")}, at once (each printed when it ends)`);
  await Promise.all(
    AT_ONCE.map(async ([name, command]) => {
      const result = await run(name, command, true);
      const verdict = result.code === 0 ? "passed" : `FAILED (exit ${result.code})`;
      process.stdout.write(
        `\n== ${name}\n${result.output}== ${name}: ${verdict} in ${seconds(result.started)}\n`,
      );
      if (result.code !== 0) failed.push(name);
    }),
  );
}
if (failed.length > 0) {
  console.error(`\nnpm test FAILED: ${failed.join(", ")} (see "== <step>" above)`);
  process.exit(1);
}
console.log("\nnpm test: every step passed");
