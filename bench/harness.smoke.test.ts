import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { groupMembers } from "./server-processes.ts";

const ROOT = join(import.meta.dirname, "..");
const TSX = join(ROOT, "node_modules/.bin/tsx");

type Run = { status: number | null; stdout: string; stderr: string };

/** Runs a bench script to its end; several run at once (each is mostly tsx starting up). */
function runScript(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, stdout, stderr }));
  });
}

it("refuses an invalid option with the usage and exit code 2", async () => {
  const [run, unknown] = await Promise.all([
    runScript(["bench/run.ts", "--users", "abc"]),
    runScript(["bench/run.ts", "--no-such-option"]),
  ]);
  expect(run.status, run.stdout + run.stderr).toBe(2);
  expect(run.stderr).toMatch(/--users takes a positive whole number, not "abc"/);
  expect(run.stderr).toMatch(/usage: npm run bench/);
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toMatch(/usage: npm run bench/);
});

it("the profiler refuses an invalid option with its usage and exit code 2, before it needs perf", async () => {
  const invalid = [["--stage", "nonsense"], ["--rate", "0"], ["--changes", "1"], ["--no-such-option"]];
  const [help, ...runs] = await Promise.all([
    runScript(["bench/profile.ts", "--help"]),
    ...invalid.map((args) => runScript(["bench/profile.ts", ...args])),
  ]);
  invalid.forEach((args, i) => {
    const run = runs[i] as Run;
    expect(run.status, `${args.join(" ")}: ${run.stdout}${run.stderr}`).toBe(2);
    expect(run.stderr).toMatch(/usage: npm run bench:profile/);
  });
  expect(help.status).toBe(0);
  expect(help.stdout).toMatch(/--stage messages\|fanout\|bare-relay/);
});

// The partykit CLI dies mid-run (its workerd lives on, still serving): the harness must say so,
// save what it measured, exit non-zero and stop what is left of the server.
it("reports a lost server with partial results and leaves no server processes", async () => {
  const out = mkdtempSync(join(tmpdir(), "pim-bench-lost-"));
  const bench = spawn(TSX, ["bench/run.ts", "--smoke", "--no-readme", "--out", out], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let serverPid: number | undefined;
  try {
    const exited = new Promise<number | null>((resolve) => bench.once("exit", (code) => resolve(code)));
    const stageStarted = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no stage started in 90 s:\n${output}`)), 90_000);
      const read = (chunk: Buffer) => {
        output += chunk;
        serverPid ??= Number(/partykit dev pid (\d+)/.exec(output)?.[1]) || undefined;
        if (serverPid && /▶ baseline/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      bench.stdout.on("data", read);
      bench.stderr.on("data", read);
      bench.once("exit", () => reject(new Error(`the bench exited before a stage started:\n${output}`)));
    });
    await stageStarted;
    const pid = serverPid as number;
    expect(groupMembers(pid).some((p) => p.args.includes("workerd"))).toBe(true);
    process.kill(pid, "SIGKILL"); // the CLI alone; its workerd keeps running in the group

    const code = await Promise.race([
      exited,
      new Promise<"hung">((r) => setTimeout(() => r("hung"), 30_000)),
    ]);
    expect(code, output).not.toBe("hung");
    expect(code, output).not.toBe(0);

    const results = JSON.parse(readFileSync(join(out, "smoke.json"), "utf8"));
    expect(results.complete).toBe(false);
    expect(results.notes.join("\n")).toMatch(/the server was lost/);
    // Killed processes take a moment to be gone.
    for (let i = 0; i < 50 && groupMembers(pid).length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(groupMembers(pid)).toEqual([]);
  } finally {
    if (bench.exitCode === null) bench.kill("SIGKILL");
    // Whatever happened above, leave nothing running.
    if (serverPid && groupMembers(serverPid).length) process.kill(-serverPid, "SIGKILL");
    if (existsSync(out)) rmSync(out, { recursive: true, force: true });
  }
}, 150_000);
