import WebSocket from "ws";
import type { TestServer } from "../../apps/server/test/harness/server.ts";
import { within } from "../deadline.ts";
import { type Summary, summarize } from "../stats.ts";

const ROUND_TRIP_DEADLINE_MS = 10_000;

/** Round trips through a bare echo room on the same runtime: the floor every figure is set against. */
export async function baseline(server: TestServer, roundTrips: number): Promise<Summary> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/parties/echo/baseline`, {
    handshakeTimeout: ROUND_TRIP_DEADLINE_MS,
  });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const samples: number[] = [];
  for (let i = 0; i < roundTrips; i++) {
    const sentAt = performance.now();
    const answered = new Promise<void>((resolve) => ws.once("message", () => resolve()));
    ws.send(JSON.stringify({ type: "ping", i }));
    await within(answered, ROUND_TRIP_DEADLINE_MS, () => {
      ws.terminate();
      return `baseline: echo ${i + 1} of ${roundTrips} not answered in ${ROUND_TRIP_DEADLINE_MS / 1000} s`;
    });
    samples.push(performance.now() - sentAt);
  }
  ws.close();
  return summarize(samples.slice(Math.min(10, Math.floor(roundTrips / 10)))); // drop warm-up
}
