// `npm run chaos`: many principals use the real service (partykit dev on the built code, storage on
// disk) from this separate process while faults are injected at random; once the system is quiet,
// invariants are checked. Every random choice comes from the seed, so a failing run can be replayed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signUp } from "../../apps/server/test/harness/client.ts";
import { startServer, type TestServer } from "../../apps/server/test/harness/server.ts";
import { BENCH_VARS } from "../bench-vars.ts";
import { optionsOrExit } from "../command-line.ts";
import { within } from "../deadline.ts";
import { rebuildWatch } from "../rebuild-watch.ts";
import { killGroups, partykitChildren } from "../server-processes.ts";
import { ACTIONS, type Action, act, clientFault, knowledgeOf, refreshPrivacy } from "./actors.ts";
import { type Bounds, checkInvariants } from "./invariants.ts";
import { OpLog } from "./op-log.ts";
import { parseOptions, USAGE } from "./options.ts";
import { Prng } from "./prng.ts";
import { Device, Principal, sleep, World } from "./world.ts";

const options = optionsOrExit(
  parseOptions(process.argv.slice(2), () => Math.floor(Math.random() * 2 ** 32)),
  USAGE,
);
const { seed } = options;
const rng = new Prng(seed);
const logPath = options.log ?? join(tmpdir(), `pim-chaos-${seed}.log`);
const log = new OpLog();

// Small bounds, so a run of a few dozen principals reaches them.
const bounds: Bounds = {
  activeSubscribers: Math.max(3, Math.floor(options.principals / 2)),
  waiting: 3,
  refused: 3,
  watcherRecords: Math.max(4, options.principals),
};
const VARS: Record<string, string> = {
  ...BENCH_VARS,
  // A watcher of a chaos run fetches often; the limit would only answer 429.
  FETCH_PER_MINUTE: "100000",
  FETCH_BURST: "100000",
  MAX_SUBSCRIBERS: String(bounds.activeSubscribers),
  MAX_WAITING_REQUESTS: String(bounds.waiting),
  MAX_REFUSED_KEPT: String(bounds.refused),
  MAX_WATCHER_RECORDS: String(bounds.watcherRecords),
  // `CHANNEL_IDLE_MS=500 npm run chaos` closes room-to-room channels after half a second unused,
  // so notifications also travel on channels opened again (decision 28).
  ...(process.env.CHANNEL_IDLE_MS ? { CHANNEL_IDLE_MS: process.env.CHANNEL_IDLE_MS } : {}),
};

/** Source files changed under the run: what follows ran other code (say so with the figures). */
const notes: string[] = [];
const builds = rebuildWatch((kind) => {
  const note =
    kind === "rebuilt"
      ? "The server rebuilt mid-run because source files changed: later operations ran other code."
      : "Source files changed mid-run and no longer compile: a restart after that may not come up.";
  notes.push(note);
  console.error(`\n⚠ ${note}`);
});

const groups = new Set<number>();
let server: TestServer | undefined;
let persistDir: string | undefined;
let up = false;
process.on("exit", () => {
  if (server?.pid) groups.add(server.pid);
  killGroups(groups);
  if (persistDir) rmSync(persistDir, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the server (seed ${seed})`);
    process.exit(130);
  });
}

async function launch(): Promise<void> {
  persistDir ??= mkdtempSync(join(tmpdir(), "pim-chaos-"));
  builds.expectLaunch();
  server = await startServer({
    persistDir,
    vars: VARS,
    waits: "production",
    onOutput(text) {
      if (text.includes("PartyKit v")) for (const pid of partykitChildren()) groups.add(pid);
      builds.onOutput(text);
    },
  });
  if (server.pid) groups.add(server.pid);
  up = true;
}

/** SIGKILL of the whole server process group, and a restart on the same storage. */
async function crash(world: World): Promise<void> {
  if (!server) return;
  up = false;
  world.faults.kill += 1;
  log.add("chaos", "fault.kill", "SIGKILL the server process group");
  await server.stop("SIGKILL");
  if (server.pid) groups.add(server.pid);
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      builds.expectLaunch();
      await server.restart();
      break;
    } catch (error) {
      log.add("chaos", "restart", `attempt ${attempt} failed`, String(error).slice(0, 300));
      if (attempt >= 3) throw error;
      await server.stop("SIGKILL");
    }
  }
  if (server.pid) groups.add(server.pid);
  up = true;
  log.add("chaos", "restart", `up again after ${Date.now() - started} ms`);
}

/** Every open tab dropped at once, and every one reconnecting at once. */
function storm(world: World): void {
  world.faults.storm += 1;
  log.add("chaos", "fault.storm", "every socket dropped and reopened at once");
  for (const p of world.principals) {
    for (const device of p.devices) {
      const socket = device.socket;
      if (!socket) continue;
      socket.kill();
      device.socket = null;
      if (device.wantOpen && device.presence === "here") void device.open("storm");
    }
  }
}

// Whatever goes wrong in the driver itself, say so with the seed, keep the log, stop everything.
for (const event of ["uncaughtException", "unhandledRejection"] as const) {
  process.on(event, (error) => {
    console.error(
      `\nchaos driver failed (seed ${seed}): ${error instanceof Error ? error.stack : String(error)}`,
    );
    try {
      log.write(logPath);
      console.error(`operation log: ${logPath}`);
    } finally {
      process.exit(1);
    }
  });
}

const started = Date.now();
console.log(
  `chaos: seed ${seed}, ${options.principals} principals, ${options.minutes} min, kill every ~${options.killEverySeconds} s, drop rate ${options.dropRate}`,
);
await launch();
const handle = {
  get origin() {
    return (server as TestServer).origin;
  },
  get port() {
    return (server as TestServer).port;
  },
  up: () => up,
};
const world = new World(handle, log);
console.log(`  server: partykit dev pid ${server?.pid} on ${server?.origin}, storage ${persistDir}`);

// Principals, each with 1-3 devices and its own generator.
const runId = rng.token(4);
for (let i = 0; i < options.principals; i++) {
  const session = await signUp(server as TestServer, `c${runId}${i}`);
  const p = new Principal(world, session, rng.fork(i + 1));
  const devices = 1 + p.rng.int(0, 2);
  for (let d = 0; d < devices; d++) p.devices.push(new Device(p, `device${d}`, p.rng.fork(100 + d)));
  world.principals.push(p);
  knowledgeOf(p);
}
log.add(
  "chaos",
  "setup",
  `${options.principals} principals: ${world.principals.map((p) => p.handle).join(" ")}`,
);
await Promise.all(world.principals.map((p) => (p.rng.chance(0.7) ? p.devices[0]?.open("start") : undefined)));

// The minutes asked for are minutes of work: counted from here, after the server's start and the
// sign-ups, which took a third of a 30 s run on two loaded cores (and then no crash fell in it).
const workUntil = Date.now() + options.minutes * 60_000;
let actions = 0;
const actionCounts = new Map<string, number>();

async function actor(p: Principal): Promise<void> {
  const turnRng = p.rng.fork(7);
  while (Date.now() < workUntil) {
    if (!up) {
      await sleep(200);
      continue;
    }
    if (turnRng.chance(options.dropRate)) {
      await clientFault(p, turnRng);
    } else {
      const action = turnRng.weighted(ACTIONS) as Action;
      actions += 1;
      actionCounts.set(action, (actionCounts.get(action) ?? 0) + 1);
      try {
        await within(act(p, action), 30_000, () => `${p.handle} ${action} took over 30 s`);
      } catch (error) {
        log.add(p.handle, action, "failed", String(error));
      }
    }
    await sleep(100 + turnRng.int(0, 500));
  }
}

async function faults(): Promise<void> {
  const faultRng = rng.fork(999);
  const stormEvery = Math.max(10, options.killEverySeconds || 30) * 1.5;
  let nextKill =
    options.killEverySeconds > 0
      ? Date.now() + options.killEverySeconds * 1000 * (0.5 + faultRng.float())
      : Infinity;
  let nextStorm = options.dropRate > 0 ? Date.now() + stormEvery * 1000 * (0.5 + faultRng.float()) : Infinity;
  while (Date.now() < workUntil - 3_000) {
    if (Date.now() >= nextKill) {
      await crash(world);
      nextKill = Date.now() + options.killEverySeconds * 1000 * (0.5 + faultRng.float());
    }
    if (Date.now() >= nextStorm) {
      storm(world);
      nextStorm = Date.now() + stormEvery * 1000 * (0.5 + faultRng.float());
    }
    await sleep(250);
  }
}

const progress = setInterval(() => {
  const s = Math.round((Date.now() - started) / 1000);
  console.log(
    `  ${s} s: ${actions} actions, ${world.messages.size} messages, faults ${JSON.stringify(world.faults)}`,
  );
}, 15_000);
await Promise.all([...world.principals.map(actor), faults()]);
clearInterval(progress);

// --- Quiet: everyone who is still around comes back, resends, and the system settles.
console.log("  quiet: every device reconnects and resends its outbox");
log.add("chaos", "quiet", "faults stop; every device that is not gone reconnects");
for (const p of world.principals) {
  for (const device of p.devices) {
    if (device.presence === "away") device.presence = "here";
    if (device.presence !== "here") continue;
    device.socket?.resume();
  }
}
const settleDeadline = Date.now() + 90_000;
for (;;) {
  await Promise.all(
    world.principals.flatMap((p) =>
      p.devices.filter((d) => d.presence === "here").map((d) => d.open("quiet")),
    ),
  );
  const waiting = world.principals.flatMap((p) =>
    p.devices.filter((d) => d.presence === "here" && d.outbox.size > 0),
  );
  if (waiting.length === 0 || Date.now() > settleDeadline) break;
  await sleep(2_000);
  // A device whose outbox is still waiting resends it, as the SPA does on its next reconnect.
  for (const device of waiting) {
    if (device.outbox.size === 0) continue;
    const socket = device.socket;
    if (socket) {
      socket.kill();
      device.socket = null;
    }
  }
}
for (const p of world.principals) await refreshPrivacy(p);
// Quiet: the presence grace period (5 s) has passed and no tab has heard anything for 3 s.
const quietStart = Date.now();
while (Date.now() - quietStart < 60_000) {
  if (Date.now() - quietStart > 7_000 && Date.now() - world.lastFrameAt > 3_000) break;
  await sleep(250);
}

const result = await checkInvariants(world, bounds);
const seconds = Math.round((Date.now() - started) / 1000);
const acked = [...world.messages.values()].filter((m) => m.acks.length > 0);
const figures = {
  seed,
  principals: options.principals,
  "minutes of work": options.minutes,
  "run time (s)": seconds,
  "operations (turns)": actions,
  "operations logged": log.count,
  "messages written": world.messages.size,
  "messages acknowledged delivered": acked.filter((m) => m.acks.at(-1)?.state !== "failed").length,
  "messages acknowledged failed": acked.filter((m) => m.acks.at(-1)?.state === "failed").length,
  "messages orphaned (device gone for good)": [...world.messages.values()].filter((m) => m.orphaned).length,
  "faults: server SIGKILL + restart": world.faults.kill,
  "faults: reconnect storms": world.faults.storm,
  "faults: sockets dropped": world.faults.drop,
  "faults: clients vanished (came back)": world.faults.vanish,
  "faults: clients vanished for good": world.faults.vanishForever,
  "faults: clients stopped reading": world.faults.stall,
  "invariant violations": result.violations.length,
  "messages lost": result.figures.get("lost") ?? 0,
  "messages duplicated": result.figures.get("duplicated") ?? 0,
};
log.write(logPath);
console.log("\n| what | figure |\n| --- | --- |");
for (const [what, n] of Object.entries(figures)) console.log(`| ${what} | ${n} |`);
console.log(`\nactions: ${JSON.stringify(Object.fromEntries(actionCounts))}`);
console.log(`checked: ${JSON.stringify(Object.fromEntries(result.checked))}`);
console.log(`also: ${JSON.stringify(Object.fromEntries(result.figures))}`);
for (const note of notes) console.log(`note: ${note}`);
if (world.errorsFromServer.length > 0) {
  console.log(
    `server error frames (${world.errorsFromServer.length}): ${world.errorsFromServer.slice(0, 5).join(" | ")}`,
  );
}
console.log(`RESULT ${JSON.stringify({ violations: result.violations.length, ...figures })}`);
if (result.violations.length > 0) {
  const byInvariant = new Map<string, number>();
  for (const v of result.violations) byInvariant.set(v.invariant, (byInvariant.get(v.invariant) ?? 0) + 1);
  console.log(`\nVIOLATIONS (seed ${seed}):`);
  for (const [invariant, n] of byInvariant) console.log(`  ${n}× ${invariant}`);
  for (const v of result.violations.slice(0, 10)) {
    console.log(`\n✗ ${v.invariant}\n  ${v.detail}\n  operations that led to it:`);
    const ids = v.involved.filter((name) => world.messages.has(name));
    const who = v.involved.filter((name) => !ids.includes(name));
    for (const op of log.involving(who, 25, ids)) console.log(`    ${OpLog.format(op)}`);
  }
  console.log(
    `\nreplay: npm run chaos -- --seed ${seed} --principals ${options.principals} --minutes ${options.minutes} --kill-every ${options.killEverySeconds} --drop-rate ${options.dropRate}`,
  );
}
console.log(`operation log: ${logPath}`);
await within(server?.dispose() ?? Promise.resolve(), 15_000, () => "").catch(() => undefined);
process.exit(result.violations.length > 0 ? 1 : 0);
