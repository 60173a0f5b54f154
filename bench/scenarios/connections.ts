import { readdirSync, readFileSync } from "node:fs";
import type { TestSocket } from "../../apps/server/test/harness/client.ts";
import type { TestServer } from "../../apps/server/test/harness/server.ts";
import { createPrincipals, openTab } from "./population.ts";

export type ConnectionsResult = {
  sockets: number;
  principals: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  perConnectionKiB: number;
};

/** Resident memory of a process and all its descendants, in KiB (Linux /proc). */
export function treeRssKiB(rootPid: number): number {
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
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** `sockets` authenticated, idle sockets (10 per principal, pinging every 10 s): server memory. */
export async function connections(server: TestServer, sockets: number): Promise<ConnectionsResult> {
  const perPrincipal = 10;
  const principals = await createPrincipals(server, Math.ceil(sockets / perPrincipal), "conn");
  await new Promise((r) => setTimeout(r, 1_000));
  const pid = server.pid ?? 0;
  const before = treeRssKiB(pid);
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
  clearInterval(heartbeat);
  for (const socket of open) socket.close();
  return {
    sockets,
    principals: principals.length,
    rssBeforeMiB: Math.round(before / 1024),
    rssAfterMiB: Math.round(after / 1024),
    perConnectionKiB: Math.round(((after - before) / sockets) * 10) / 10,
  };
}
