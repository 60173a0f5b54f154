import { DEFAULT_COALESCE_POLICY } from "@pim/model";
import type { TestSocket } from "../../apps/server/test/harness/client.ts";
import type { TestServer } from "../../apps/server/test/harness/server.ts";
import { within } from "../deadline.ts";
import { type Summary, summarize } from "../stats.ts";
import type { Around } from "./around.ts";
import { createPrincipals, inBatches, openTab, setPresence, subscribe } from "./population.ts";

/** How long one change may take to reach every subscriber before the stage fails. */
const ARRIVAL_DEADLINE_MS = 60_000;

export type FanoutResult = {
  subscribers: number;
  latency: Summary;
  /** For 10 changes in one second: notifications each subscriber received. */
  notificationsPer10Changes: { mean: number; max: number };
  /** Whether every subscriber's last notification carried the final state. */
  lastIsFinal: boolean;
};

/**
 * One presentity, `count` subscribers each with an open socket: the time from one status change
 * (the HTTP request that sets it) to its NOTIFICATION on every subscriber's socket.
 */
export async function fanout(
  server: TestServer,
  count: number,
  changes: number,
  tag: string,
  around: Around = (_stage, run) => run(),
): Promise<FanoutResult> {
  const [presentity] = await createPrincipals(server, 1, `fo${tag}p`);
  if (!presentity) throw new Error("no presentity");
  const subscribers = await createPrincipals(server, count, `fo${tag}s`);
  await inBatches(subscribers, 8, (s) => subscribe(server, s, presentity));
  const sockets: TestSocket[] = [];
  await inBatches(subscribers, 50, async (s) => {
    sockets.push(await openTab(server, s));
  });
  // At rest before measuring: every subscriber's room has its buddy list (its refresh is done),
  // and every subscriber has seen the presentity come online.
  await within(
    Promise.all(sockets.map((socket) => socket.next("buddies", () => true, 60_000))),
    60_000,
    () => "the subscribers' buddy lists did not arrive",
  );
  const presentityTab = await openTab(server, presentity);
  await within(
    Promise.all(
      sockets.map((socket) => socket.next("buddy.updated", (m) => m.buddy.view?.status === "open", 60_000)),
    ),
    60_000,
    () => "the subscribers did not see the presentity come online",
  );
  // Changes closer together than the coalescing window are held back by design; space them out
  // so each figure is the delivery time, not the pacing.
  const settle = () => new Promise((r) => setTimeout(r, DEFAULT_COALESCE_POLICY.windowMs + 100));
  await settle();

  const latencies: number[] = [];
  for (let i = 0; i < changes; i++) {
    const note = `change-${i}`;
    let arrived = 0;
    const arrivals = sockets.map(
      (socket) =>
        new Promise<number>((resolve) => {
          const listener = (m: { type: string; buddy?: { view?: { note?: string } } }, at: number) => {
            if (m.type === "buddy.updated" && m.buddy?.view?.note === note) {
              socket.listeners.delete(listener as never);
              arrived++;
              resolve(at);
            }
          };
          socket.listeners.add(listener as never);
        }),
    );
    let sentAt = 0;
    const times = await around(`change ${i + 1}`, async () => {
      sentAt = performance.now();
      await setPresence(server, presentity, { note });
      return within(
        Promise.all(arrivals),
        ARRIVAL_DEADLINE_MS,
        () =>
          `fan-out: change ${i + 1} of ${changes} reached ${arrived} of ${count} subscribers in ${ARRIVAL_DEADLINE_MS / 1000} s`,
      );
    });
    for (const at of times) latencies.push(at - sentAt);
    await settle();
  }

  // Coalescing: 10 changes within one second.
  const counts = new Map<TestSocket, string[]>();
  const listeners = sockets.map((socket) => {
    const notes: string[] = [];
    counts.set(socket, notes);
    const listener = (m: { type: string; buddy?: { view?: { note?: string } } }) => {
      if (m.type === "buddy.updated" && m.buddy?.view?.note?.startsWith("burst-"))
        notes.push(m.buddy.view.note);
    };
    socket.listeners.add(listener as never);
    return [socket, listener] as const;
  });
  // Ten changes in one second by the clock of the person making them: one every 100 ms, each
  // sent on schedule whether or not the server has answered the previous one yet.
  const burst: Promise<void>[] = [];
  for (let i = 0; i < 10; i++) {
    burst.push(setPresence(server, presentity, { note: `burst-${i}` }));
    await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.all(burst);
  // Until every subscriber has the final state (or long enough to say it never came).
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && [...counts.values()].some((notes) => notes.at(-1) !== "burst-9")) {
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 1_500)); // nothing more may follow
  for (const [socket, listener] of listeners) socket.listeners.delete(listener as never);
  const perSubscriber = [...counts.values()].map((notes) => notes.length);
  const lastIsFinal = [...counts.values()].every((notes) => notes.at(-1) === "burst-9");

  for (const socket of [...sockets, presentityTab]) socket.close();
  return {
    subscribers: count,
    latency: summarize(latencies),
    notificationsPer10Changes: {
      mean:
        Math.round((perSubscriber.reduce((a, b) => a + b, 0) / Math.max(1, perSubscriber.length)) * 100) /
        100,
      max: Math.max(0, ...perSubscriber),
    },
    lastIsFinal,
  };
}
