import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

function hasPerf(): boolean {
  return spawnSync("sh", ["-c", "command -v perf"]).status === 0;
}

/** Makes sure perf is there (Debian's linux-perf, installed as `npm test` installs Chromium). */
export function ensurePerf(): void {
  if (hasPerf()) return;
  console.log("installing linux-perf …");
  const result = spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "linux-perf"], {
    stdio: "inherit",
  });
  if (result.status !== 0 || !hasPerf())
    throw new Error("the profiler needs perf: apt-get install -y linux-perf");
}

/** A tracing tool attached to a running process until `stop`, which resolves with what it saw. */
export type Attached = { stop(): Promise<string> };

type Tool = {
  command: string;
  args: string[];
  /** Whether its output so far says it has attached; null: it says nothing, wait a moment. */
  attached: ((stderr: string) => boolean) | null;
  /** What it saw, read once it has stopped. */
  result(): string;
};

function attach(tool: Tool): Promise<Attached> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(tool.command, tool.args, { stdio: ["ignore", "ignore", "pipe"] });
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    let stderr = "";
    let settled = false;
    const ready = () => {
      if (settled) return;
      settled = true;
      resolve({
        async stop() {
          child.kill("SIGINT");
          await exited;
          return tool.result();
        },
      });
    };
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
      if (tool.attached?.(stderr)) ready();
    });
    child.once("error", (error) => {
      settled = true;
      reject(error);
    });
    child.once("exit", (code) => {
      if (settled) return;
      settled = true;
      reject(new Error(`${tool.command} did not attach (exit ${code}):\n${stderr.slice(-2000)}`));
    });
    if (tool.attached === null) setTimeout(() => child.exitCode === null && ready(), 500);
  });
}

/** CPU samples of every thread of `pid` at `hz` (perf's cpu-clock works without hardware counters). */
export function sampleCpu(pid: number, hz: number, file: string): Promise<Attached> {
  return attach({
    command: "perf",
    args: ["record", "-F", String(hz), "-e", "cpu-clock", "-p", String(pid), "-o", file],
    attached: null,
    result: () =>
      execFileSync("perf", ["script", "-i", file, "-F", "comm,tid,ip,sym,dso"], {
        maxBuffer: 512 * 1024 * 1024,
        stdio: ["ignore", "pipe", "ignore"],
      }).toString(),
  });
}

/** System calls of every thread of `pid`: counts and time inside (perf trace -s, no ptrace). */
export function traceSyscalls(pid: number, file: string): Promise<Attached> {
  return attach({
    command: "perf",
    args: ["trace", "-s", "-p", String(pid), "-o", file],
    attached: null,
    result: () => readFileSync(file, "utf8"),
  });
}
