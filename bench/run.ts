// `npm run bench`: measures the real service (partykit dev on the built code, fresh storage) from
// a separate process over real sockets, and reports each figure beside a same-run baseline.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startServer, type TestServer } from "../apps/server/test/harness/server.ts";
import { BENCH_VARS } from "./bench-vars.ts";
import { within } from "./deadline.ts";
import { rebuildWatch } from "./rebuild-watch.ts";
import { type BenchResults, toMarkdown, updateReadme } from "./report.ts";
import { OPS_VARS, ops } from "./scale/ops-stage.ts";
import { appLoad } from "./scenarios/app-load.ts";
import { bareFanout, bareRelay } from "./scenarios/bare.ts";
import { baseline } from "./scenarios/baseline.ts";
import { bareConnections, connections } from "./scenarios/connections.ts";
import { fanout } from "./scenarios/fanout.ts";
import { messages } from "./scenarios/messages.ts";
import { storm } from "./scenarios/storm.ts";
import { killGroups, partykitChildren } from "./server-processes.ts";

const USAGE = `usage: npm run bench -- [options]
  --subscribers 100,500,1000  fan-out sizes (subscribers of one presentity)
  --users N                   principals in the presence storm (default 100; 20 buddies each)
  --sockets N                 idle authenticated sockets for the memory figure (default 2000)
  --duration S                seconds per sustained stage (default 5)
  --rates 100,300,500,1000    message rates (messages a second) for the instant-message stage
  --im-users N                principals the messages are spread over (default 200)
  --only messages,fanout,...  run only these stages (of messages, fanout, storm, connections, app,
                              and ops, which runs only when asked; the echo baseline always
                              runs, the bare room-to-room ones with fanout and messages);
                              the README is then left as it is
  --ops-reps N                repetitions of each operation in the ops stage (default 20)
  --ops-buddies A,B           the two buddy counts ops measures, for a line (default 5,20)
  --smoke                     a few seconds at tiny sizes (what npm test runs)
  --out DIR                   where results go (default bench/results)
  --no-readme                 do not update the README table
  --no-tmpfs                  skip the instant messages run with storage on tmpfs (/dev/shm)`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    fail(`--${name} takes a positive whole number, not ${JSON.stringify(value)}`);
  return n;
}

let parsed: ReturnType<typeof parseArgs>;
try {
  parsed = parseArgs({
    options: {
      subscribers: { type: "string" },
      users: { type: "string" },
      sockets: { type: "string" },
      duration: { type: "string" },
      rates: { type: "string" },
      "im-users": { type: "string" },
      "ops-reps": { type: "string" },
      "ops-buddies": { type: "string" },
      smoke: { type: "boolean" },
      only: { type: "string" },
      out: { type: "string" },
      "no-readme": { type: "boolean" },
      "no-tmpfs": { type: "boolean" },
      help: { type: "boolean" },
    },
    strict: true,
    allowPositionals: false,
  });
} catch (error) {
  fail((error as Error).message);
}
const values = parsed.values as Record<string, string | boolean | undefined>;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const smoke = values.smoke === true;
const subscriberSizes = (
  typeof values.subscribers === "string" ? values.subscribers : smoke ? "10" : "100,500,1000"
)
  .split(",")
  .map((s) => positiveInt("subscribers", s.trim(), 0));
const users = positiveInt("users", values.users as string | undefined, smoke ? 6 : 100);
const sockets = positiveInt("sockets", values.sockets as string | undefined, smoke ? 20 : 2000);
const duration = positiveInt("duration", values.duration as string | undefined, smoke ? 1 : 5);
const messageRates = (typeof values.rates === "string" ? values.rates : smoke ? "20" : "100,300,500,1000")
  .split(",")
  .map((s) => positiveInt("rates", s.trim(), 0));
const imUsers = positiveInt("im-users", values["im-users"] as string | undefined, smoke ? 10 : 200);
const opsReps = positiveInt("ops-reps", values["ops-reps"] as string | undefined, smoke ? 2 : 20);
const opsBuddies = (
  typeof values["ops-buddies"] === "string" ? values["ops-buddies"] : smoke ? "1,2" : "5,20"
)
  .split(",")
  .map((s) => positiveInt("ops-buddies", s.trim(), 0));
if (opsBuddies.length !== 2 || opsBuddies[0] === opsBuddies[1])
  fail("--ops-buddies takes two different buddy counts, such as 5,20");
const STAGES = ["messages", "fanout", "storm", "connections", "app"] as const;
/** Stages that run only when `--only` names them. */
const ASKED_STAGES = ["ops"] as const;
const only =
  typeof values.only === "string"
    ? values.only.split(",").map((name) => {
        const stageName = name.trim();
        if (![...STAGES, ...ASKED_STAGES].includes(stageName as never))
          fail(`--only: no stage called ${JSON.stringify(stageName)}`);
        return stageName;
      })
    : [...STAGES];
const runs = (name: (typeof STAGES)[number] | (typeof ASKED_STAGES)[number]) => only.includes(name);
const outDir = typeof values.out === "string" ? values.out : join(import.meta.dirname, "results");

const results: BenchResults = {
  date: new Date().toISOString(),
  cores: cpus().length,
  node: process.versions.node,
  options: { smoke, subscriberSizes, users, sockets, duration, messageRates, imUsers },
  notes: [],
  complete: false,
};

let server: TestServer | undefined;
/** Process groups of every partykit dev this run started (each CLI leads its own group). */
const serverGroups = new Set<number>();
let currentStage = "";
let exiting = false;

function save(): void {
  mkdirSync(outDir, { recursive: true });
  const stamp = results.date.replaceAll(":", "-").replace(/\..*$/, "");
  const json = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(join(outDir, smoke ? "smoke.json" : `${stamp}.json`), json);
  const markdown = toMarkdown(results);
  if (!smoke) {
    writeFileSync(join(outDir, "latest.json"), json);
    writeFileSync(join(outDir, "latest.md"), `${markdown}\n`);
    if (!values["no-readme"] && only.length === STAGES.length && results.complete)
      updateReadme(join(import.meta.dirname, "../README.md"), markdown);
  }
  console.log(`\n${markdown}\n\nresults: ${outDir}`);
}

/** Stops whatever is left of every server this run started, at once. Safe to call again. */
function killServers(): void {
  if (server?.pid) serverGroups.add(server.pid);
  killGroups(serverGroups);
}
/** The tmpfs storage of the last stage, which the harness itself must delete. */
let tmpfsDir: string | undefined;
// The last word on every way out (a second Ctrl-C, an uncaught error): nothing keeps running.
process.on("exit", () => {
  killServers();
  if (tmpfsDir) rmSync(tmpfsDir, { recursive: true, force: true });
});

/** Saves what was measured, stops the server and exits with `code`. Only the first call counts. */
async function finish(code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  try {
    save();
  } catch (error) {
    console.error(`could not save the results: ${(error as Error).message}`);
  }
  await within(server?.dispose() ?? Promise.resolve(), 15_000, () => "").catch(() => undefined);
  killServers();
  process.exit(code);
}

for (const [signal, code, what] of [
  ["SIGINT", 130, "Ctrl-C"],
  ["SIGTERM", 143, "SIGTERM"],
] as const) {
  process.on(signal, () => {
    if (exiting) {
      // A second signal while shutting down: no more waiting for a graceful stop.
      console.error(`\n${what} again: killing the server and exiting now`);
      killServers();
      if (server) rmSync(server.persistDir, { recursive: true, force: true }); // its fresh storage
      process.exit(code);
    }
    console.log(`\n${what}: saving what was measured and stopping the server (again to force)`);
    results.notes.push(
      `Interrupted (${what}) during "${currentStage}": figures are what was measured until then.`,
    );
    void finish(code);
  });
}

const builds = rebuildWatch((kind) => {
  const note =
    kind === "rebuilt"
      ? `The server rebuilt mid-run because source files changed (during "${currentStage}"): figures after that are not comparable.`
      : `Source files changed mid-run and partykit dev could not rebuild them (during "${currentStage}"): figures after that may not be comparable.`;
  results.notes.push(note);
  console.error(`\n⚠ ${note}`);
});

function serverAlive(): boolean {
  const pid = server?.pid;
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

class ServerLost extends Error {}

let failing = false;
/** Notes why the run stopped (naming a lost server as such), saves and exits 1. Runs once. */
async function stopEarly(error: unknown): Promise<void> {
  // A signal may already be stopping the run: its note and exit code stand.
  if (exiting || failing) return;
  failing = true;
  console.log("failed");
  if (!(error instanceof ServerLost)) console.error(error);
  let message = error instanceof Error ? error.message : String(error);
  let lost = error instanceof ServerLost;
  if (!lost && server) {
    // A scenario often fails first (connection refused): say whether the server is the reason.
    await new Promise((r) => setTimeout(r, 600));
    lost = !serverAlive();
    if (lost) message = `partykit dev exited (${message})`;
  }
  if (exiting) return;
  results.notes.push(
    lost
      ? `Stopped early during "${currentStage}": the server was lost (${message}). Figures are what was measured until then.`
      : `Stopped early during "${currentStage}": ${message}.`,
  );
  await finish(1);
}
// Say, save and stop rather than crash leaving no results (a socket error nobody listened for).
process.on("uncaughtException", (error) => void stopEarly(error));

/**
 * Runs one stage, failing fast (rather than hanging) if the server process goes away; `watch: false`
 * for a stage that stops the server on purpose.
 */
async function stage<T>(name: string, run: () => Promise<T>, { watch = true } = {}): Promise<T> {
  // Once the run is stopping, start nothing new (a restart would start another server).
  if (exiting || failing) return new Promise<never>(() => undefined);
  currentStage = name;
  const started = Date.now();
  process.stdout.write(`▶ ${name} … `);
  let timer: ReturnType<typeof setInterval> | undefined;
  const serverLost = new Promise<never>((_, reject) => {
    if (watch)
      timer = setInterval(() => {
        if (!serverAlive()) reject(new ServerLost("partykit dev exited"));
      }, 500);
  });
  try {
    const value = await Promise.race([run(), serverLost]);
    if (exiting || failing) return new Promise<never>(() => undefined); // stopped meanwhile
    console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return value;
  } finally {
    clearInterval(timer);
  }
}

/** tmpfs on Linux: storage there costs no disk commits. */
const TMPFS = "/dev/shm";

/** The real service for the benchmark; `persistDir` defaults to a fresh temporary folder on disk. */
function startBenchServer(persistDir?: string, vars = BENCH_VARS): Promise<TestServer> {
  return startServer({
    config: "bench/partykit.bench.json",
    waits: "production",
    ...(persistDir ? { persistDir } : {}),
    vars,
    onOutput(text) {
      // Learn each launch's process group as soon as it speaks, so even a run stopped while
      // the server is still starting leaves nothing behind.
      if (text.includes("PartyKit v")) for (const pid of partykitChildren()) serverGroups.add(pid);
      builds.onOutput(text);
    },
  });
}

try {
  builds.expectLaunch();
  server = await stage("starting partykit dev (fresh storage)", () => startBenchServer(), { watch: false });
  if (server.pid) serverGroups.add(server.pid);
  console.log(`  server: partykit dev pid ${server.pid} on ${server.origin}`);
  results.baseline = await stage("baseline: echo through a bare room", () =>
    baseline(server as TestServer, smoke ? 50 : 1000),
  );
  const fanoutChanges = smoke ? 2 : duration;

  if (runs("fanout") || runs("messages")) results.bare = { fanout: [], relay: [], relayStored: [] };
  if (runs("fanout") && results.bare) {
    for (const size of subscriberSizes) {
      for (const via of ["http", "socket"] as const) {
        results.bare.fanout.push(
          await stage(`bare baseline: fan-out to ${size} rooms by room-to-room ${via}`, () =>
            bareFanout(server as TestServer, size, fanoutChanges, via),
          ),
        );
      }
    }
  }
  if (runs("messages") && results.bare) {
    results.bare.relay = await stage(
      `bare baseline: relay over ${imUsers} rooms at ${messageRates.join(", ")} a second`,
      () => bareRelay(server as TestServer, imUsers, messageRates, duration, "http", false),
    );
    results.bare.relayStored = await stage(
      `bare baseline: relay storing in both rooms, over ${imUsers} rooms at ${messageRates.join(", ")} a second`,
      () => bareRelay(server as TestServer, imUsers, messageRates, duration, "http", true),
    );
  }
  if (runs("messages")) {
    results.messages = await stage(
      `instant messages over ${imUsers} users at ${messageRates.join(", ")} a second`,
      () => messages(server as TestServer, imUsers, messageRates, duration),
    );
  }
  if (runs("fanout")) {
    results.fanout = [];
    for (const size of subscriberSizes) {
      results.fanout.push(
        await stage(`presence fan-out to ${size} subscribers`, () =>
          fanout(server as TestServer, size, fanoutChanges, String(size)),
        ),
      );
    }
  }
  if (runs("storm")) {
    results.storm = await stage(
      `presence storm: ${users} principals × ${Math.min(20, users - 1)} buddies`,
      () => storm(server as TestServer, users, Math.min(20, users - 1), smoke ? 500 : 3_000),
    );
  }
  /** A fresh server process on the same storage (a stage that stops the server on purpose). */
  const restartedOnSameStorage = (label: string) =>
    stage(
      label,
      async () => {
        await server?.stop();
        builds.expectLaunch();
        await server?.restart();
        if (server?.pid) serverGroups.add(server.pid);
      },
      { watch: false },
    );
  if (runs("connections")) {
    // A fresh server process on the same storage, so earlier stages' rooms do not count here.
    await restartedOnSameStorage("restarting the server for the memory figure");
    results.connections = await stage(`${sockets} idle authenticated sockets`, () =>
      connections(server as TestServer, sockets),
    );
    // The floor: as many sockets to a bare hibernating room, again on a fresh process.
    await restartedOnSameStorage("restarting the server for the bare socket memory figure");
    results.connectionsBare = await stage(`${sockets} idle sockets to bare hibernating rooms`, () =>
      bareConnections(server as TestServer, sockets),
    );
  }
  if (runs("app")) {
    results.app = await stage("the app in headless Chromium", () =>
      appLoad(server as TestServer, smoke ? 1 : 5),
    );
  }
  if (runs("ops")) {
    // A fresh server with the rooms' meters on (PIM_METER=1); see bench/scale/ops-stage.ts.
    await stage(
      "restarting the server with the rooms metered",
      async () => {
        await server?.dispose();
        builds.expectLaunch();
        server = await startBenchServer(undefined, { ...BENCH_VARS, ...OPS_VARS });
        if (server.pid) serverGroups.add(server.pid);
      },
      { watch: false },
    );
    const measured = await stage(
      `operations, ${opsReps} times each, at ${opsBuddies.join(" and ")} buddies`,
      () => ops(server as TestServer, opsReps, opsBuddies as [number, number], (line) => console.log(line)),
    );
    mkdirSync(outDir, { recursive: true });
    writeFileSync(
      join(outDir, smoke ? "ops-smoke.json" : "ops.json"),
      `${JSON.stringify(measured, null, 2)}\n`,
    );
  }
  if (runs("messages") && !smoke && !values["no-tmpfs"] && existsSync(TMPFS)) {
    // The same messages with the disk taken out: local workerd commits each room's storage
    // synchronously on its one thread, which the deployed service does not. What remains is ours.
    await stage(
      "restarting the server with storage on tmpfs",
      async () => {
        await server?.dispose();
        builds.expectLaunch();
        tmpfsDir = mkdtempSync(join(TMPFS, "pim-bench-"));
        server = await startBenchServer(tmpfsDir);
        if (server.pid) serverGroups.add(server.pid);
      },
      { watch: false },
    );
    const tmpfsRates = messageRates.filter((rate) => rate >= 300 && rate <= 500);
    const relayStored = await stage(
      `tmpfs: bare relay storing in both rooms at ${tmpfsRates.join(", ")} a second`,
      () => bareRelay(server as TestServer, imUsers, tmpfsRates, duration, "http", true),
    );
    const tmpfsMessages = await stage(`tmpfs: instant messages at ${tmpfsRates.join(", ")} a second`, () =>
      messages(server as TestServer, imUsers, tmpfsRates, duration),
    );
    results.tmpfs = { relayStored, messages: tmpfsMessages };
  }
  results.complete = true;
  await finish(0);
} catch (error) {
  await stopEarly(error);
}
