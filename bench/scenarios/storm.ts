import type { Buddy } from "@pim/protocol";
import type { Session, TestSocket } from "../../apps/server/test/harness/client.ts";
import type { TestServer } from "../../apps/server/test/harness/server.ts";
import { within } from "../deadline.ts";
import { createPrincipals, inBatches, openTab, subscribe } from "./population.ts";

export type StormResult = {
  principals: number;
  buddiesEach: number;
  recoveryMs: number;
  /** Error messages, failed reconnections and lists still wrong at the deadline (`timedOut`). */
  errors: number;
  timedOut: number;
};

/** How long after the storm every buddy list may take to be right; later ones count as errors. */
const RECOVERY_DEADLINE_MS = 60_000;

/**
 * A presence storm: `count` principals, each with `buddies` buddies (a ring), all online; then all
 * drop and reconnect within `spreadMs`. Measured: until every buddy list shows every buddy OPEN.
 */
export async function storm(
  server: TestServer,
  count: number,
  buddies: number,
  spreadMs: number,
): Promise<StormResult> {
  const principals = await createPrincipals(server, count, "storm");
  const pairs: Array<[Session, Session]> = [];
  principals.forEach((watcher, i) => {
    for (let k = 1; k <= buddies; k++) pairs.push([watcher, principals[(i + k) % count] as Session]);
  });
  await inBatches(pairs, 8, ([watcher, presentity]) => subscribe(server, watcher, presentity));

  let errors = 0;
  const first: TestSocket[] = [];
  await inBatches(principals, 50, async (p) => {
    first.push(await openTab(server, p));
  });
  for (const socket of first) socket.close();
  await new Promise((r) => setTimeout(r, 500));

  const startedAt = performance.now();
  const reconnected: TestSocket[] = [];
  const done = principals.map(
    (principal) =>
      new Promise<number>((resolve, reject) => {
        setTimeout(async () => {
          try {
            const socket = await openTab(server, principal);
            reconnected.push(socket);
            const views = new Map<string, string | undefined>();
            const settle = () => {
              const open = [...views.values()].filter((s) => s === "open").length;
              if (open === buddies) {
                resolve(performance.now());
                return true;
              }
              return false;
            };
            const apply = (list: Buddy[]) => {
              for (const b of list) views.set(b.handle, b.view?.status);
            };
            for (const m of socket.messages) {
              if (m.type === "buddies") apply(m.buddies);
              if (m.type === "buddy.updated") apply([m.buddy]);
              if (m.type === "error") errors++;
            }
            if (settle()) return;
            socket.listeners.add((m) => {
              if (m.type === "buddies") apply(m.buddies);
              if (m.type === "buddy.updated") apply([m.buddy]);
              if (m.type === "error") errors++;
              settle();
            });
          } catch (error) {
            reject(error); // counted below, with the lists still wrong at the deadline
          }
        }, Math.random() * spreadMs);
      }),
  );
  let timedOut = 0;
  const finished = await Promise.allSettled(
    done.map((d) =>
      within(d, spreadMs + RECOVERY_DEADLINE_MS, () => {
        timedOut++;
        return "buddy list still wrong at the deadline";
      }),
    ),
  );
  for (const socket of reconnected) socket.close();
  const times = finished.flatMap((f) => (f.status === "fulfilled" ? [f.value] : []));
  errors += finished.length - times.length;
  return {
    principals: count,
    buddiesEach: buddies,
    recoveryMs: Math.round(Math.max(0, ...times.map((t) => t - startedAt))),
    errors,
    timedOut,
  };
}
