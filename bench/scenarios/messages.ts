import { randomUUID } from "node:crypto";
import type { TestSocket } from "../../apps/server/test/harness/client.ts";
import type { TestServer } from "../../apps/server/test/harness/server.ts";
import { type Summary, summarize } from "../stats.ts";
import type { Around } from "./around.ts";
import { sendAtRate } from "./pacing.ts";
import { createPrincipals, openTab } from "./population.ts";

export type MessageRateResult = {
  rate: number;
  latency: Summary;
  sent: number;
  acknowledged: number;
  delivered: number;
  failed: number;
  /** Why messages failed, with counts (the reasons the sender was given). */
  failures: Record<string, number>;
};

export type MessagesResult = {
  users: number;
  rates: MessageRateResult[];
  /** The highest measured rate whose p99 stayed under 100 ms (null: none did). */
  highestRateUnder100ms: number | null;
};

/**
 * INSTANT MESSAGES across rooms: `users` principals with one socket each; at each rate, for
 * `seconds`, a random sender sends to a random other user. Latency is from the send on the
 * sender's socket to the message's arrival on the recipient's socket (one process, one clock).
 */
export async function messages(
  server: TestServer,
  users: number,
  rates: number[],
  seconds: number,
  around: Around = (_stage, run) => run(),
): Promise<MessagesResult> {
  const principals = await createPrincipals(server, users, "im");
  // sockets[i] is principals[i]'s: a message goes out on its sender's own socket.
  const sockets: TestSocket[] = [];
  for (let i = 0; i < principals.length; i += 50) {
    sockets.push(...(await Promise.all(principals.slice(i, i + 50).map((p) => openTab(server, p)))));
  }
  const byHandle = new Map(principals.map((p, i) => [p.handle, sockets[i] as TestSocket]));

  const results: MessageRateResult[] = [];
  for (const rate of rates) {
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let acknowledged = 0;
    let failed = 0;
    // Counted in a Map: a reason is text from the server, not a fixed key.
    const failures = new Map<string, number>();
    const listeners = principals.map((p) => {
      const socket = byHandle.get(p.handle) as TestSocket;
      const listener = (
        m: {
          type: string;
          id?: string;
          state?: string;
          reason?: string;
          message?: { id: string; from: string };
        },
        at: number,
      ) => {
        if (m.type === "message.ack" && m.id && sentAt.has(m.id)) {
          acknowledged++;
          if (m.state === "failed") {
            failed++;
            const reason = m.reason ?? "no reason";
            failures.set(reason, (failures.get(reason) ?? 0) + 1);
          }
        } else if (m.type === "message.stored" && m.message && m.message.from !== p.handle) {
          const start = sentAt.get(m.message.id);
          if (start !== undefined) latencies.push(at - start);
        }
      };
      socket.listeners.add(listener as never);
      return [socket, listener] as const;
    });

    const total = await around(`${rate}/s`, async () => {
      const sent = await sendAtRate(rate, seconds, users, (from, to, index) => {
        const id = randomUUID();
        sentAt.set(id, performance.now());
        sockets[from]?.send({ type: "message.send", id, to: principals[to]?.handle, text: `bench ${index}` });
      });
      // Everything sent must be acknowledged: wait for the backlog to drain (a rate above what
      // the runtime sustains queues up), within reason.
      const deadline = performance.now() + 90_000;
      while (acknowledged < sent && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return sent;
    });
    for (const [socket, listener] of listeners) socket.listeners.delete(listener as never);
    results.push({
      rate,
      latency: summarize(latencies),
      sent: total,
      acknowledged,
      delivered: latencies.length,
      failed,
      failures: Object.fromEntries(failures),
    });
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const socket of sockets) socket.close();
  const under = results.filter((r) => r.latency.p99 < 100 && r.acknowledged === r.sent).map((r) => r.rate);
  return { users, rates: results, highestRateUnder100ms: under.length ? Math.max(...under) : null };
}
