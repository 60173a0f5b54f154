import { readdirSync, readFileSync } from "node:fs";

type Proc = { pid: number; ppid: number; pgid: number; state: string; args: string };

/** Every process we may look at (Linux /proc), skipping those that end while we look. */
export function processes(): Proc[] {
  const found: Proc[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the parenthesised command name: state, ppid, pgrp, …
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state = "", ppid = "0", pgid = "0"] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      found.push({ pid: Number(entry), ppid: Number(ppid), pgid: Number(pgid), state, args });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** The `partykit` processes this process started (each leads its own process group). */
export function partykitChildren(parent = process.pid): number[] {
  return processes()
    .filter((p) => p.ppid === parent && p.args.includes("partykit"))
    .map((p) => p.pid);
}

/** Live (not zombie) members of a process group: what is left of a server started with that pid. */
export function groupMembers(pgid: number): Proc[] {
  return processes().filter((p) => p.pgid === pgid && p.state !== "Z");
}

/**
 * Kills each process group at once (SIGKILL). The harness's own `stop` only signals the group while
 * the partykit CLI is alive; if the CLI died, its workerd lives on in the group and serves on.
 */
export function killGroups(pgids: Iterable<number>): void {
  for (const pgid of pgids) {
    if (!(pgid > 1)) continue; // -0 and -1 would mean our own group and everything
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // nothing left in that group
    }
  }
}
