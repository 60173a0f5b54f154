// `npm run bench:profile`: where workerd's time goes under one benchmark stage. Runs the stage
// on the real service, half of it with perf sampling the CPU of every thread and half with
// perf tracing system calls, and writes what they saw per message or per notification.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startServer, type TestServer } from "../apps/server/test/harness/server.ts";
import { BENCH_VARS } from "./bench-vars.ts";
import { type CpuSample, parsePerfScript, threadProfiles } from "./profile/cpu-samples.ts";
import { type ProfileResult, profileMarkdown } from "./profile/profile-report.ts";
import { mergeTraces, parseTraceSummary, type ThreadSyscalls } from "./profile/syscalls.ts";
import { type Attached, ensurePerf, sampleCpu, traceSyscalls } from "./profile/tools.ts";
import type { Around } from "./scenarios/around.ts";
import { bareFanout, bareRelay } from "./scenarios/bare.ts";
import { fanout } from "./scenarios/fanout.ts";
import { messages } from "./scenarios/messages.ts";
import { groupMembers, killGroups } from "./server-processes.ts";

const USAGE = `usage: npm run bench:profile -- [options]
  --stage messages|fanout|bare-relay|bare-fanout
                            what to profile (default messages; bare-relay: the bare
                            room-to-room relay storing each message in both rooms;
                            bare-fanout: the bare fan-out over room-to-room sockets, the
                            floor the fanout stage is judged against)
  --rate N                  messages a second (default 300)
  --duration S              seconds per run of the messages stage (default 5)
  --users N                 principals the messages are spread over (default 200)
  --subscribers N           subscribers of the presentity for fanout, leaves of the bare
                            fan-out (default 500)
  --changes N               status changes for fanout, half under each tool (default 10)
  --hz N                    CPU samples a second (default 499)
  --tmpfs                   storage on /dev/shm instead of disk
  --out DIR                 where profile-<stage>[-tmpfs].{json,md} go (default bench/results)`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

let values: Record<string, string | boolean | undefined>;
try {
  values = parseArgs({
    options: {
      stage: { type: "string" },
      rate: { type: "string" },
      duration: { type: "string" },
      users: { type: "string" },
      subscribers: { type: "string" },
      changes: { type: "string" },
      hz: { type: "string" },
      tmpfs: { type: "boolean" },
      out: { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
function positiveInt(
  name: "rate" | "duration" | "users" | "subscribers" | "changes" | "hz",
  fallback: number,
  min = 1,
): number {
  const value = values[name];
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    fail(`--${name} takes a whole number of at least ${min}, not ${JSON.stringify(value)}`);
  return n;
}
const stageName = values.stage ?? "messages";
if (!["messages", "fanout", "bare-relay", "bare-fanout"].includes(String(stageName)))
  fail(`--stage is messages, fanout, bare-relay or bare-fanout, not ${JSON.stringify(stageName)}`);
const rate = positiveInt("rate", 300);
const duration = positiveInt("duration", 5);
const users = positiveInt("users", 200, 2);
const subscribers = positiveInt("subscribers", 500);
const changes = positiveInt("changes", 10, 2);
const hz = positiveInt("hz", 499);
const outDir = typeof values.out === "string" ? values.out : "bench/results";

try {
  ensurePerf();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

/** V8 writes /tmp/perf-<pid>.map of its JIT code, and gives interpreted frames a native frame of their own. */
const V8_FLAGS_FOR_PERF = "--perf-basic-prof --interpreted-frames-native-stack";

const persistDir = mkdtempSync(join(values.tmpfs ? "/dev/shm" : tmpdir(), "pim-profile-"));
/** perf's own files, apart from the server's storage. */
const toolDir = mkdtempSync(join(tmpdir(), "pim-profile-tools-"));
let server: TestServer | undefined;
/** The perf map workerd writes of its JIT code (see below), removed with the rest. */
let perfMap: string | undefined;
const cleanUp = () => {
  if (server?.pid) killGroups([server.pid]);
  for (const dir of [persistDir, toolDir]) rmSync(dir, { recursive: true, force: true });
  if (perfMap) rmSync(perfMap, { force: true });
};
process.on("exit", cleanUp);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

/** What each tool saw, over all the stages it watched. */
const seen = {
  cpu: [] as CpuSample[],
  cpuSeconds: 0,
  syscalls: [] as ThreadSyscalls[][],
  syscallSeconds: 0,
};

/** Runs one stage under one tool: the first half of the stages sampling the CPU, the rest tracing calls. */
function profiler(workerd: number, stages: number): Around {
  let index = 0;
  return async (stage, run) => {
    const sampling = index++ < stages / 2;
    const tool: Attached = sampling
      ? await sampleCpu(workerd, hz, join(toolDir, "perf.data"))
      : await traceSyscalls(workerd, join(toolDir, "trace.txt"));
    const started = performance.now();
    try {
      return await run();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const output = await tool.stop();
      console.log(
        `  ${stage}, ${sampling ? "sampling the CPU" : "tracing system calls"}: ${seconds.toFixed(1)} s`,
      );
      if (sampling) {
        seen.cpu.push(...parsePerfScript(output));
        seen.cpuSeconds += seconds;
      } else {
        seen.syscalls.push(parseTraceSummary(output));
        seen.syscallSeconds += seconds;
      }
    }
  };
}

try {
  console.log(`starting partykit dev (storage in ${persistDir}) …`);
  // workerd started with V8's perf map (/tmp/perf-<pid>.map), so perf names the JavaScript
  // functions it samples instead of "[unknown]": partykit dev has no option for V8 flags, so
  // miniflare starts workerd through a script that adds them to its config.
  process.env.MINIFLARE_WORKERD_PATH = join(import.meta.dirname, "profile/workerd-v8-flags.sh");
  process.env.PIM_WORKERD_V8_FLAGS = V8_FLAGS_FOR_PERF;
  server = await startServer({
    config: "bench/partykit.bench.json",
    persistDir,
    vars: BENCH_VARS,
    waits: "production",
  });
  const workerd = groupMembers(server.pid ?? -1).find(
    (p) => /\bworkerd\b/.test(p.args) && p.args.includes(" serve"),
  );
  if (!workerd) throw new Error("could not find the workerd process of partykit dev");
  console.log(`  workerd pid ${workerd.pid}`);
  perfMap = `/tmp/perf-${workerd.pid}.map`;

  let what: string;
  let units: ProfileResult["units"];
  let latency: ProfileResult["latency"];
  // Fan-outs: the first half of the changes run under perf record, the rest under perf trace.
  const fanoutUnits = (): ProfileResult["units"] => {
    const sampledChanges = Math.ceil(changes / 2);
    return {
      cpu: sampledChanges * subscribers,
      syscalls: (changes - sampledChanges) * subscribers,
      name: "notification",
    };
  };
  if (stageName === "messages") {
    what = `instant messages at ${rate}/s over ${users} users, ${duration} s under each of perf record and perf trace`;
    console.log(`${what} …`);
    const result = await messages(server, users, [rate, rate], duration, profiler(workerd.pid, 2));
    const [cpuRun, traceRun] = result.rates;
    units = { cpu: cpuRun?.sent ?? 0, syscalls: traceRun?.sent ?? 0, name: "message" };
    latency = { cpu: cpuRun?.latency, syscalls: traceRun?.latency };
  } else if (stageName === "bare-relay") {
    what = `bare relay storing each message in both rooms at ${rate}/s over ${users} rooms, ${duration} s under each of perf record and perf trace`;
    console.log(`${what} …`);
    const [cpuRun, traceRun] = await bareRelay(
      server,
      users,
      [rate, rate],
      duration,
      "http",
      true,
      profiler(workerd.pid, 2),
    );
    units = { cpu: cpuRun?.sent ?? 0, syscalls: traceRun?.sent ?? 0, name: "message" };
    latency = { cpu: cpuRun?.latency, syscalls: traceRun?.latency };
  } else if (stageName === "bare-fanout") {
    what = `one request to a bare hub room → ${subscribers} bare rooms over room-to-room sockets → their sockets, ${changes} rounds, half under perf record and half under perf trace`;
    console.log(`${what} …`);
    const result = await bareFanout(server, subscribers, changes, "socket", profiler(workerd.pid, changes));
    units = fanoutUnits();
    latency = { all: result.latency };
  } else {
    what = `one status change to ${subscribers} subscribers, ${changes} changes, half under perf record and half under perf trace`;
    console.log(`${what} …`);
    const result = await fanout(server, subscribers, changes, "prof", profiler(workerd.pid, changes));
    units = fanoutUnits();
    latency = { all: result.latency };
  }

  const profile: ProfileResult = {
    date: new Date().toISOString(),
    cores: cpus().length,
    node: process.version,
    what,
    storage: values.tmpfs ? "tmpfs (/dev/shm)" : `disk (${tmpdir()})`,
    hz,
    units,
    latency,
    cpu: { seconds: seen.cpuSeconds, threads: threadProfiles(seen.cpu, hz, seen.cpuSeconds).slice(0, 4) },
    syscalls: { seconds: seen.syscallSeconds, threads: mergeTraces(seen.syscalls) },
  };
  mkdirSync(outDir, { recursive: true });
  const name = `profile-${stageName}${values.tmpfs ? "-tmpfs" : ""}`;
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(profile, null, 2)}\n`);
  const markdown = profileMarkdown(profile);
  writeFileSync(join(outDir, `${name}.md`), `${markdown}\n`);
  console.log(`\n${markdown}`);
  await server.dispose();
  server = undefined;
} catch (error) {
  console.error(`profile failed: ${(error as Error).stack ?? error}`);
  process.exitCode = 1;
}
