/**
 * Experiment (issue #15, goal 3): server memory per idle socket over time, for a bare room without
 * hibernation (`bare`), a bare room with `hibernate: true` (`barehib`), and the service (`user`).
 * `tsx bench/memory-probe.ts <bare|barehib|user|buddies> [sockets] [samples s, comma-separated]`.
 * `buddies`: as `user`, but each principal first befriends the next `BUDDIES` (default 10) in a
 * ring, so room-to-room channels are opened by the tabs' presence; with `PIM_METER=1` the sample
 * also counts the channels the rooms have accepted so far. `CHANNEL_IDLE_MS` is passed on.
 */

import { readdirSync, readFileSync } from "node:fs";
import type { TestSocket } from "../apps/server/test/harness/client.ts";
import { startServer } from "../apps/server/test/harness/server.ts";
import { openBareSockets, perSocket, treeRssKiB } from "./scenarios/connections.ts";
import { createPrincipals, openTab, setPresence, subscribe } from "./scenarios/population.ts";

/** RSS in MiB of each process in the tree, by name (where the memory is). */
function byProcess(root: number): string {
  const rows: string[] = [];
  const walk = (pid: number) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      rows.push(
        `${/Name:\s+(\S+)/.exec(status)?.[1]} ${Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024)}`,
      );
      for (const t of readdirSync(`/proc/${pid}/task`))
        for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").split(" ").filter(Boolean))
          walk(Number(c));
    } catch {}
  };
  walk(root);
  return rows.join(", ");
}

const party = process.argv[2] ?? "barehib";
const sockets = Number(process.argv[3] ?? 2000);
const samples = (process.argv[4] ?? "3,15,30,60").split(",").map(Number);
const perRoom = Number(process.env.PER_ROOM ?? 10);

const vars: Record<string, string> = {
  ...(process.env.CHANNEL_IDLE_MS ? { CHANNEL_IDLE_MS: process.env.CHANNEL_IDLE_MS } : {}),
  ...(process.env.PIM_METER ? { PIM_METER: process.env.PIM_METER } : {}),
};
const server = await startServer({ config: "bench/partykit.bench.json", waits: "production", vars });
const rooms = party === "user" || party === "buddies";

/** Channels accepted by all rooms so far (needs PIM_METER=1). */
async function channelsAccepted(): Promise<string> {
  if (!vars.PIM_METER) return "";
  const counts = (await (await fetch(`${server.url}/parties/meter/all`)).json()) as Record<
    string,
    { channelsAccepted: number }
  >;
  return `, ${Object.values(counts).reduce((sum, c) => sum + c.channelsAccepted, 0)} channels accepted so far`;
}

try {
  const principals = rooms ? await createPrincipals(server, sockets / perRoom, "probe") : [];
  if (party === "buddies") {
    const buddies = Number(process.env.BUDDIES ?? 10);
    const pairs = principals.flatMap((watcher, i) =>
      Array.from(
        { length: buddies },
        (_, k) => [watcher, principals[(i + k + 1) % principals.length]] as const,
      ),
    );
    for (let i = 0; i < pairs.length; i += 20)
      await Promise.all(
        pairs.slice(i, i + 20).map(([w, p]) => subscribe(server, w, p as NonNullable<typeof p>)),
      );
  }
  if (rooms) {
    // As the bench does: a fresh process on the same storage, so sign-up rooms do not count.
    await server.stop();
    await server.restart();
  }
  await new Promise((r) => setTimeout(r, 2_000));
  const pid = server.pid ?? 0;
  const before = treeRssKiB(pid);
  const beforeByProcess = byProcess(pid);
  const closers: (() => void)[] = [];
  if (rooms) {
    for (let i = 0; i < sockets; i += 50) {
      const batch = Array.from({ length: Math.min(50, sockets - i) }, (_, j) =>
        Math.floor((i + j) / perRoom),
      );
      const tabs: TestSocket[] = await Promise.all(
        batch.map((room) => openTab(server, principals[room] as NonNullable<(typeof principals)[number]>)),
      );
      closers.push(...tabs.map((tab) => () => tab.close()));
    }
  } else {
    const open = await openBareSockets(server, party, "room", sockets, perRoom);
    closers.push(...open.map((socket) => () => socket.close()));
  }
  const opened = Date.now();
  const line = [`${party}: ${sockets} sockets, before ${Math.round(before / 1024)} MiB [${beforeByProcess}]`];
  for (const s of samples) {
    await new Promise((r) => setTimeout(r, Math.max(0, opened + s * 1000 - Date.now())));
    const after = treeRssKiB(pid);
    line.push(
      `${s} s: ${Math.round(after / 1024)} MiB [${byProcess(pid)}], ${perSocket(before, after, sockets)} KiB/socket${await channelsAccepted()}`,
    );
  }
  if (party === "buddies") {
    // One more change each: every channel closed idle since is opened again (and counted).
    for (let i = 0; i < principals.length; i += 20)
      await Promise.all(
        principals.slice(i, i + 20).map((p) => setPresence(server, p, { note: "one more change" })),
      );
    await new Promise((r) => setTimeout(r, 3_000));
    line.push(`after one more change each${await channelsAccepted()}`);
  }
  console.log(line.join("; "));
  for (const close of closers) close();
} finally {
  await server.dispose();
}
