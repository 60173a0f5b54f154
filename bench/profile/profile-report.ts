import type { Summary } from "../stats.ts";
import type { ThreadProfile } from "./cpu-samples.ts";
import { diskCommits, type ThreadSyscalls } from "./syscalls.ts";

export type ProfileResult = {
  date: string;
  cores: number;
  node: string;
  /** The stage profiled, in words. */
  what: string;
  storage: string;
  hz: number;
  /** Messages or notifications handled while each tool watched. */
  units: { cpu: number; syscalls: number; name: string };
  /** Latency of the stage while watched (the tools slow the server a little). */
  latency: Partial<Record<"cpu" | "syscalls" | "all", Summary>>;
  cpu: { seconds: number; threads: ThreadProfile[] };
  syscalls: { seconds: number; threads: ThreadSyscalls[] };
};

/** Calls in which a thread waits for work, not works: left out of "time inside calls". */
const WAITING = new Set(["epoll_wait", "epoll_pwait", "epoll_pwait2", "futex", "poll", "ppoll", "nanosleep"]);

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
const ms = (value: number) => `${value < 0.1 ? value.toFixed(3) : value.toFixed(2)} ms`;
const cell = (text: string) => text.replaceAll("|", "\\|");

/** What the JavaScript thread spends per unit: on a CPU, and waiting for disk commits. */
export function perUnit(result: ProfileResult): { cpuMs: number; diskMs: number; commits: number } | null {
  const main = result.cpu.threads[0];
  if (!main) return null;
  const traced = result.syscalls.threads.find((t) => t.tid === main.tid);
  const disk = diskCommits(traced?.rows ?? []);
  const per = Math.max(1, result.units.syscalls);
  return {
    cpuMs: ((main.samples / result.hz) * 1000) / Math.max(1, result.units.cpu),
    diskMs: disk.ms / per,
    commits: disk.calls / per,
  };
}

/** The profile as Markdown: the JavaScript thread's time by part and function, then its calls. */
export function profileMarkdown(result: ProfileResult): string {
  const { units } = result;
  const lines = [
    `Profile of workerd (local \`partykit dev\`): ${result.what}. Storage on ${result.storage}.`,
    `Measured ${result.date} on ${result.cores} cores, Node ${result.node}.`,
    "",
  ];
  for (const [tool, summary] of Object.entries(result.latency)) {
    if (!summary) continue;
    const when = { all: "while profiled", cpu: "while sampling the CPU", syscalls: "while tracing calls" }[
      tool
    ];
    lines.push(`Latency ${when}: p50 ${ms(summary.p50)}, p99 ${ms(summary.p99)}.`);
  }
  const [main, ...others] = result.cpu.threads;
  const cost = perUnit(result);
  if (main && cost) {
    const busy = cost.cpuMs + cost.diskMs;
    lines.push(
      "",
      `**The JavaScript thread** (${main.thread} ${main.tid}, the one every room runs on) was on a CPU ` +
        `${percent(main.onCpu)} of the time: ${ms(cost.cpuMs)} per ${units.name}. It also waited for ` +
        `${cost.commits.toFixed(2)} disk commits (fsync) per ${units.name}, ${ms(cost.diskMs)} in all. ` +
        `Busy ${ms(busy)} per ${units.name}, so this thread alone tops out near ` +
        `${Math.floor(1000 / busy)} ${units.name}s a second on this machine.` +
        (others.length
          ? ` Other threads: ${others.map((t) => `${t.thread} ${percent(t.onCpu)}`).join(", ")}.`
          : ""),
      "",
      `| part of its CPU time (perf, cpu-clock ${result.hz} Hz, ${result.cpu.seconds.toFixed(1)} s) | share |`,
      "| --- | --- |",
      ...main.parts.map((p) => `| ${p.part} | ${percent(p.share)} |`),
      "",
      "| function it was most often found in | part | share |",
      "| --- | --- | --- |",
      ...main.top
        .slice(0, 15)
        .map((t) => `| \`${cell(t.symbol.slice(0, 100))}\` | ${t.part} | ${percent(t.share)} |`),
    );
    const traced = result.syscalls.threads.find((t) => t.tid === main.tid);
    if (traced) {
      const per = Math.max(1, units.syscalls);
      lines.push(
        "",
        `| its system calls (perf trace, ${result.syscalls.seconds.toFixed(1)} s, ${units.syscalls} ${units.name}s) | per ${units.name} | time inside per ${units.name} |`,
        "| --- | --- | --- |",
        ...traced.rows
          .filter((r) => !WAITING.has(r.syscall))
          .slice(0, 8)
          .map((r) => `| ${r.syscall} | ${(r.calls / per).toFixed(2)} | ${ms(r.ms / per)} |`),
      );
    }
  }
  return lines.join("\n");
}
