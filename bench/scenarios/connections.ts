import { readdirSync, readFileSync } from "node:fs";
import WebSocket from "ws";
import type { TestSocket } from "../../apps/server/test/harness/client.ts";
import type { TestServer } from "../../apps/server/test/harness/server.ts";
import { createPrincipals, openTab } from "./population.ts";

export type ConnectionsResult = {
  sockets: number;
  principals: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  perConnectionKiB: number;
  /**
   * The same for workerd's own RSS (the runtime that holds the sockets and rooms): steadier than
   * the tree, in which the partykit CLI's Node process can give back tens of MiB at any time.
   */
  perConnectionWorkerdKiB?: number;
};

/** The floor under it: as many idle sockets, as many to a room, to a bare room with `hibernate: true`. */
export type BareConnectionsResult = {
  sockets: number;
  perConnectionKiB: number;
  perConnectionWorkerdKiB: number;
};

/** Resident memory of a process and all its descendants, in KiB (Linux /proc). */
export function treeRssKiB(rootPid: number, only?: (pid: number) => boolean): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      const vmRss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      rss.set(Number(entry), vmRss);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop() as number;
    if (!only || only(pid)) total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Resident memory of the workerd processes under `rootPid`, in KiB. */
export function workerdRssKiB(rootPid: number): number {
  return treeRssKiB(rootPid, (pid) => {
    try {
      return /^Name:\s+workerd$/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
    } catch {
      return false;
    }
  });
}

/** KiB per socket from two RSS readings, to a tenth. */
export const perSocket = (before: number, after: number, sockets: number) =>
  Math.round(((after - before) / sockets) * 10) / 10;

/** `sockets` authenticated, idle sockets (10 per principal, pinging every 10 s): server memory. */
export async function connections(server: TestServer, sockets: number): Promise<ConnectionsResult> {
  const perPrincipal = 10;
  const principals = await createPrincipals(server, Math.ceil(sockets / perPrincipal), "conn");
  await new Promise((r) => setTimeout(r, 1_000));
  const pid = server.pid ?? 0;
  const before = treeRssKiB(pid);
  const workerdBefore = workerdRssKiB(pid);
  const open: TestSocket[] = [];
  for (let i = 0; i < sockets; i += 50) {
    const batch = Array.from(
      { length: Math.min(50, sockets - i) },
      (_, j) => principals[Math.floor((i + j) / perPrincipal)],
    );
    open.push(...(await Promise.all(batch.map((p) => openTab(server, p as NonNullable<typeof p>)))));
  }
  const heartbeat = setInterval(() => {
    for (const socket of open) socket.send({ type: "ping" });
  }, 10_000);
  await new Promise((r) => setTimeout(r, 3_000));
  const after = treeRssKiB(pid);
  const workerdAfter = workerdRssKiB(pid);
  clearInterval(heartbeat);
  for (const socket of open) socket.close();
  return {
    sockets,
    principals: principals.length,
    rssBeforeMiB: Math.round(before / 1024),
    rssAfterMiB: Math.round(after / 1024),
    perConnectionKiB: perSocket(before, after, sockets),
    perConnectionWorkerdKiB: perSocket(workerdBefore, workerdAfter, sockets),
  };
}

/**
 * `sockets` idle sockets, 10 to a room, to the bench's bare room with `hibernate: true`
 * (bench/bare-hibernating-party.ts), measured as `connections` measures the service's: what a
 * socket costs this runtime whatever a room does. Measured on a fresh server process.
 */
export async function bareConnections(server: TestServer, sockets: number): Promise<BareConnectionsResult> {
  const perRoom = 10;
  const pid = server.pid ?? 0;
  await new Promise((r) => setTimeout(r, 1_000));
  const before = treeRssKiB(pid);
  const workerdBefore = workerdRssKiB(pid);
  const open = await openBareSockets(server, "barehib", "idle", sockets, perRoom);
  await new Promise((r) => setTimeout(r, 3_000));
  const after = treeRssKiB(pid);
  const workerdAfter = workerdRssKiB(pid);
  for (const socket of open) socket.close();
  return {
    sockets,
    perConnectionKiB: perSocket(before, after, sockets),
    perConnectionWorkerdKiB: perSocket(workerdBefore, workerdAfter, sockets),
  };
}

/**
 * `sockets` plain sockets, `perRoom` to a room, to rooms `<prefix>-<n>` of a bench party (no
 * sign-in: the bare parties take anyone), opened 50 at a time.
 */
export async function openBareSockets(
  server: TestServer,
  party: string,
  prefix: string,
  sockets: number,
  perRoom: number,
): Promise<WebSocket[]> {
  const open: WebSocket[] = [];
  for (let i = 0; i < sockets; i += 50) {
    const batch = Array.from({ length: Math.min(50, sockets - i) }, (_, j) => Math.floor((i + j) / perRoom));
    open.push(
      ...(await Promise.all(
        batch.map(async (room) => {
          const socket = new WebSocket(`ws://127.0.0.1:${server.port}/parties/${party}/${prefix}-${room}`);
          await new Promise((resolve, reject) => {
            socket.once("open", resolve);
            socket.once("error", reject);
          });
          return socket;
        }),
      )),
    );
  }
  return open;
}
