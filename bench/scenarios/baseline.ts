import WebSocket from "ws";
import type { TestServer } from "../../apps/server/test/harness/server.ts";
import { type Summary, summarize } from "../stats.ts";

/** Round trips through a bare echo room on the same runtime: the floor every figure is set against. */
export async function baseline(server: TestServer, roundTrips: number): Promise<Summary> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/parties/echo/baseline`);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const samples: number[] = [];
  for (let i = 0; i < roundTrips; i++) {
    const sentAt = performance.now();
    await new Promise<void>((resolve) => {
      ws.once("message", () => resolve());
      ws.send(JSON.stringify({ type: "ping", i }));
    });
    samples.push(performance.now() - sentAt);
  }
  ws.close();
  return summarize(samples.slice(Math.min(10, Math.floor(roundTrips / 10)))); // drop warm-up
}
