import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { VIEW_WRITE_SPREAD_FACTOR } from "@pim/model";
import type { ServerMessage } from "@pim/protocol";
import type { MeterCounts } from "../../apps/server/src/meter/meter.ts";
import { type Session, signIn, type TestSocket } from "../../apps/server/test/harness/client.ts";
import type { TestServer } from "../../apps/server/test/harness/server.ts";
import { within } from "../deadline.ts";
import { createPrincipals, inBatches, openTab, setPresence, subscribe } from "../scenarios/population.ts";
import { groupMembers } from "../server-processes.ts";
import { fitLine, OPS, type OpCost, type OpName, type OpsFile, perOperation, sumRooms } from "./op-cost.ts";

/** The ops stage's view write delay: short, so that waiting for those writes is short (the counts are the same). */
const OPS_VIEW_WRITE_DELAY_MS = 300;
/**
 * The ops stage's coalescing window: short, so that the pause before each presence operation
 * (which makes it notified on its own, not coalesced with the one before) is short too.
 */
const OPS_COALESCE_WINDOW_MS = 250;
/** The ops stage's grace period: a closed last tab turns the presentity CLOSED this long later. */
const OPS_GRACE_MS = 1_000;

/** The server's environment for this stage: metered, and every tab opened refreshes every buddy. */
export const OPS_VARS: Record<string, string> = {
  PIM_METER: "1",
  BUDDY_REFRESH_EVERY_MS: "1",
  PRESENCE_GRACE_MS: String(OPS_GRACE_MS),
  VIEW_WRITE_DELAY_MS: String(OPS_VIEW_WRITE_DELAY_MS),
  COALESCE_WINDOW_MS: String(OPS_COALESCE_WINDOW_MS),
};

/** How long after an operation's effect is seen its stragglers (replies, late writes) may take. */
const SETTLE_MS = 250;
/**
 * Presence notifications: a subscriber's room writes the views it was told in one batch a few
 * moment later (VIEW_WRITE_DELAY_MS, spread by `viewWriteDelay`), and those writes are the
 * operation's too. The stage runs with a short delay, so the wait for them is short.
 */
const FAN_OUT: ReadonlySet<OpName> = new Set(["tabOpen", "tabClose", "presenceChange", "deviceIdle"]);
const settleAfter = (name: OpName) =>
  FAN_OUT.has(name) ? OPS_VIEW_WRITE_DELAY_MS * (1 + VIEW_WRITE_SPREAD_FACTOR) + 300 : SETTLE_MS;
const EFFECT_DEADLINE_MS = 30_000;
const TICKS_PER_SECOND = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU in 1/100 s

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The workerd process that runs the rooms (its CPU is what operations cost the runtime). */
function workerdPid(server: TestServer): number {
  const workerd = groupMembers(server.pid ?? -1).find(
    (p) => /\bworkerd\b/.test(p.args) && p.args.includes(" serve"),
  );
  if (!workerd) throw new Error("could not find the workerd process of partykit dev");
  return workerd.pid;
}

/** CPU time (user + system) a process has used so far, in milliseconds. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command: state is field 3; utime and stime are fields 14 and 15 (indexes 11, 12 here).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

async function meter(server: TestServer, method: "GET" | "POST"): Promise<Record<string, MeterCounts>> {
  const response = await fetch(`${server.url}/parties/meter/all`, { method });
  if (!response.ok) throw new Error(`the meter answered ${response.status}`);
  return (await response.json()) as Record<string, MeterCounts>;
}

/** Waits until `socket` receives a message that `match`es (arriving from now on). */
function arrival(socket: TestSocket, match: (m: ServerMessage) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const listener = (m: ServerMessage) => {
      if (match(m)) {
        socket.listeners.delete(listener);
        resolve();
      }
    };
    socket.listeners.add(listener);
  });
}

type World = {
  server: TestServer;
  actor: Session;
  buddies: Session[];
  /** Each buddy's open tab, by handle. */
  tabs: Map<string, TestSocket>;
  actorTab: TestSocket | null;
  /** The seq of the message `messageRead` is to read. */
  unread: number;
};

/** The actor sends `text` to `to`; resolves with its place in `to`'s room once stored there and acknowledged. */
async function deliver(world: World, to: Session, text: string): Promise<number> {
  const actorTab = await ensureTab(world);
  const id = randomUUID();
  const tab = world.tabs.get(to.handle) as TestSocket;
  let seq = 0;
  const stored = arrival(tab, (m) => {
    if (m.type !== "message.stored" || m.message.id !== id) return false;
    seq = m.message.seq;
    return true;
  });
  const acked = arrival(actorTab, (m) => m.type === "message.ack" && m.id === id);
  actorTab.send({ type: "message.send", id, to: to.handle, text });
  await Promise.all([stored, acked]);
  return seq;
}

/** The actor's tab, opened (untimed) if it is not open. */
async function ensureTab(world: World): Promise<TestSocket> {
  if (!world.actorTab) {
    world.actorTab = await openTab(world.server, world.actor);
    await world.actorTab.next("buddies");
  }
  return world.actorTab;
}

/** A pause longer than the coalescing window, so each change is notified on its own. */
const pastCoalescing = () => sleep(OPS_COALESCE_WINDOW_MS + 100);
/**
 * After the last tab closed: past the grace period (the CLOSED notification goes out then, not
 * during the next operation) and the coalescing window after it.
 */
const pastGraceAndCoalescing = () => sleep(OPS_GRACE_MS + OPS_COALESCE_WINDOW_MS + 100);

/** Every buddy's tab sees the actor's presence change as `match` says. */
function buddiesSee(world: World, match: (m: Extract<ServerMessage, { type: "buddy.updated" }>) => boolean) {
  return Promise.all(
    [...world.tabs.values()].map((tab) =>
      arrival(tab, (m) => m.type === "buddy.updated" && m.buddy.handle === world.actor.handle && match(m)),
    ),
  );
}

/**
 * One repetition of each operation: sets up what it needs untimed (`prepare`), then performs it
 * and waits for its effect (`run`). The state each leaves is what the next expects.
 */
type Operation = {
  prepare?: (world: World, i: number) => Promise<void>;
  run: (world: World, i: number) => Promise<void>;
};

const OPERATIONS: Record<OpName, Operation> = {
  signIn: {
    run: async ({ server, actor }) => {
      await signIn(server, actor.handle);
    },
  },
  tabOpen: {
    prepare: async (world) => {
      world.actorTab?.close();
      world.actorTab = null;
      await pastGraceAndCoalescing();
    },
    run: async (world) => {
      const seen = buddiesSee(world, (m) => m.buddy.view?.status === "open");
      const tab = await openTab(world.server, world.actor);
      world.actorTab = tab;
      await tab.next("buddies");
      await seen;
    },
  },
  tabClose: {
    prepare: async (world) => {
      await ensureTab(world);
      await pastCoalescing();
    },
    run: async (world) => {
      const seen = buddiesSee(world, (m) => m.buddy.view?.status === "closed");
      world.actorTab?.close();
      world.actorTab = null;
      await seen;
    },
  },
  presenceChange: {
    prepare: async (world) => {
      await ensureTab(world);
      await pastCoalescing();
    },
    run: async (world, i) => {
      const note = `ops ${i}`;
      const seen = buddiesSee(world, (m) => m.buddy.view?.note === note);
      await setPresence(world.server, world.actor, { note });
      await seen;
    },
  },
  deviceIdle: {
    prepare: async (world) => {
      await ensureTab(world);
      await pastCoalescing();
    },
    run: async (world, i) => {
      const idle = i % 2 === 0;
      const seen = buddiesSee(world, (m) => m.buddy.view?.availability === (idle ? "away" : "available"));
      world.actorTab?.send({ type: "device.idle", idle });
      await seen;
    },
  },
  messageSend: {
    prepare: async (world) => {
      await ensureTab(world);
    },
    run: async (world, i) => {
      await deliver(world, world.buddies[i % world.buddies.length] as Session, `ops message ${i}`);
    },
  },
  messageRead: {
    // A buddy reads a message the actor has just sent (untimed): the receipt goes to the actor's room.
    prepare: async (world, i) => {
      const reader = world.buddies[i % world.buddies.length] as Session;
      world.unread = await deliver(world, reader, `ops to read ${i}`);
    },
    run: async (world, i) => {
      const reader = world.buddies[i % world.buddies.length] as Session;
      const tab = world.tabs.get(reader.handle) as TestSocket;
      const upToSeq = world.unread;
      const read = arrival(
        tab,
        (m) =>
          m.type === "conversation.read" && m.conversation === world.actor.handle && m.upToSeq >= upToSeq,
      );
      tab.send({ type: "message.read", conversation: world.actor.handle, upToSeq });
      await read;
    },
  },
  typing: {
    prepare: async (world) => {
      await ensureTab(world);
    },
    run: async (world, i) => {
      const to = world.buddies[i % world.buddies.length] as Session;
      const tab = world.tabs.get(to.handle) as TestSocket;
      const typing = i % 2 === 0;
      const seen = arrival(
        tab,
        (m) => m.type === "typing" && m.from === world.actor.handle && m.typing === typing,
      );
      world.actorTab?.send({ type: "typing", to: to.handle, typing });
      await seen;
    },
  },
};

/**
 * A principal and `count` buddies, each watching the other (subscribed and approved both ways),
 * every buddy with a tab open: the actor's every presence change reaches `count` rooms and tabs.
 */
async function world(server: TestServer, count: number): Promise<World> {
  const [actor, ...buddies] = await createPrincipals(server, count + 1, `ops${count}x`);
  if (!actor) throw new Error("no principal");
  const pairs = buddies.flatMap((b) => [
    [b, actor],
    [actor, b],
  ]) as Array<[Session, Session]>;
  await inBatches(pairs, 8, ([watcher, presentity]) => subscribe(server, watcher, presentity));
  const tabs = new Map<string, TestSocket>();
  await inBatches(buddies, 20, async (b) => {
    const tab = await openTab(server, b);
    await tab.next("buddies");
    tabs.set(b.handle, tab);
  });
  return { server, actor, buddies, tabs, actorTab: null, unread: 0 };
}

/** The runtime's CPU at rest, in ms per ms: the least of three one-second windows. */
async function idleRate(pid: number): Promise<number> {
  const rates: number[] = [];
  for (let i = 0; i < 3; i++) {
    const before = cpuMs(pid);
    const at = performance.now();
    await sleep(1_000);
    rates.push(Math.max(0, (cpuMs(pid) - before) / (performance.now() - at)));
  }
  return Math.min(...rates);
}

/** Measures every operation `reps` times for a principal with `count` buddies. */
async function measureAt(server: TestServer, count: number, reps: number, log: (line: string) => void) {
  const w = await world(server, count);
  const pid = workerdPid(server);
  // What the runtime burns doing nothing (its own timers and polling), to take off each figure:
  // the least of a few one-second windows, once the new world's own traffic has died down.
  await sleep(2_000);
  const idlePerMs = await idleRate(pid);
  log(`  workerd at rest with ${count} buddies' tabs open: ${(idlePerMs * 1000).toFixed(1)} ms CPU a second`);

  const costs = {} as Record<OpName, OpCost>;
  for (const name of OPS) {
    const op = OPERATIONS[name];
    let wall = 0;
    let cpu = 0;
    let touched = 0;
    const totals: Array<Record<string, MeterCounts>> = [];
    for (let i = 0; i < reps; i++) {
      await op.prepare?.(w, i);
      await sleep(SETTLE_MS);
      await meter(server, "POST");
      const cpuBefore = cpuMs(pid);
      const started = performance.now();
      await within(
        op.run(w, i),
        EFFECT_DEADLINE_MS,
        () => `${name} (${count} buddies) saw no effect in 30 s`,
      );
      wall += performance.now() - started;
      await sleep(settleAfter(name));
      const elapsed = performance.now() - started;
      cpu += Math.max(0, cpuMs(pid) - cpuBefore - idlePerMs * elapsed);
      const rooms = await meter(server, "GET");
      totals.push(rooms);
      touched += sumRooms(rooms).touched;
    }
    const sum = sumRooms(Object.assign({}, ...totals.map((rooms, i) => prefixed(rooms, i))));
    costs[name] = perOperation(sum.total, reps, { roomsTouched: touched, cpuMs: cpu, wallMs: wall });
    log(`  ${name} with ${count} buddies: ${summary(costs[name])}`);
  }
  for (const tab of [...w.tabs.values(), ...(w.actorTab ? [w.actorTab] : [])]) tab.close();
  return costs;
}

/** Room ids made distinct per repetition, so repetitions add up rather than replace each other. */
function prefixed(rooms: Record<string, MeterCounts>, i: number): Record<string, MeterCounts> {
  return Object.fromEntries(Object.entries(rooms).map(([id, counts]) => [`${i}:${id}`, counts]));
}

function summary(cost: OpCost): string {
  return `${cost.requests.toFixed(1)} requests, ${cost.framesIn.toFixed(1)} frames in, ${cost.writeUnits.toFixed(1)} write units, ${cost.cpuMs.toFixed(1)} ms CPU, ${cost.wallMs.toFixed(1)} ms`;
}

/**
 * The `ops` stage: each typical operation `reps` times for a principal with `low` and with `high`
 * buddies, counted by the rooms' meters (`PIM_METER=1`) and the runtime's CPU; a cost line each.
 */
export async function ops(
  server: TestServer,
  reps: number,
  [low, high]: [number, number],
  log: (line: string) => void = console.log,
): Promise<OpsFile> {
  const byCount = new Map<number, Record<OpName, OpCost>>();
  for (const count of [low, high]) byCount.set(count, await measureAt(server, count, reps, log));
  const at = (count: number) => byCount.get(count) as Record<OpName, OpCost>;
  const measured = Object.fromEntries(
    OPS.map((name) => [
      name,
      Object.fromEntries([...byCount].map(([count, costs]) => [String(count), costs[name]])),
    ]),
  ) as OpsFile["measured"];
  const lines = Object.fromEntries(
    OPS.map((name) => [
      name,
      fitLine({ buddies: low, cost: at(low)[name] }, { buddies: high, cost: at(high)[name] }),
    ]),
  ) as OpsFile["lines"];
  return {
    date: new Date().toISOString(),
    buddies: [low, high],
    reps,
    measured,
    lines,
    notes: [
      "Counts are the rooms' own meters (PIM_METER=1): requests, socket frames, storage keys and bytes, summed over every room an operation touched.",
      "cpuMs is the whole local workerd process's CPU (from /proc) per operation, less its idle rate: an upper bound of what the rooms themselves use.",
      "wallMs is from the client's action to its effect seen on every buddy's tab (or the reply), then the stage waits for stragglers.",
      "Every tab opened refreshes every buddy here (BUDDY_REFRESH_EVERY_MS=1): the first tab of a sign-in does, later ones within 15 s do not.",
      "After a presence change the stage waits for the subscribers' rooms' batched view writes (VIEW_WRITE_DELAY_MS); changes closer together share one batch, so those writes are an upper bound.",
      `Before each presence operation the stage waits past the coalescing window (COALESCE_WINDOW_MS=${OPS_COALESCE_WINDOW_MS} here, 1 s deployed), so each is notified on its own.`,
    ],
  };
}
