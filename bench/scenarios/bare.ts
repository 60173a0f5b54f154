import WebSocket from "ws";
import type { TestServer } from "../../apps/server/test/harness/server.ts";
import { type Summary, summarize } from "../stats.ts";
import type { Around } from "./around.ts";
import { sendAtRate } from "./pacing.ts";

export type BareFanoutResult = { leaves: number; via: "http" | "socket"; latency: Summary };
export type BareRelayResult = { rate: number; latency: Summary; sent: number; received: number };

type Client = { socket: WebSocket; onText: Set<(text: string, at: number) => void> };

async function openClient(server: TestServer, room: string): Promise<Client> {
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/parties/bare/${room}`);
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  const client: Client = { socket, onText: new Set() };
  socket.on("message", (data) => {
    const at = performance.now();
    for (const listener of client.onText) listener(String(data), at);
  });
  return client;
}

async function openClients(server: TestServer, rooms: string[]): Promise<Client[]> {
  const clients: Client[] = [];
  for (let i = 0; i < rooms.length; i += 50)
    clients.push(...(await Promise.all(rooms.slice(i, i + 50).map((room) => openClient(server, room)))));
  return clients;
}

const until = (deadlineMs: number, done: () => boolean) =>
  new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const check = setInterval(() => {
      if (done()) {
        clearInterval(check);
        resolve();
      } else if (Date.now() - started > deadlineMs) {
        clearInterval(check);
        reject(new Error(`bare baseline: nothing arrived within ${deadlineMs} ms`));
      }
    }, 5);
  });

/**
 * The floor under presence fan-out: one HTTP request to a bare hub room, which tells `count` bare
 * leaf rooms (each with one client socket) by room-to-room HTTP or over sockets it keeps open; the
 * time until every leaf's client has it.
 */
export async function bareFanout(
  server: TestServer,
  count: number,
  changes: number,
  via: "http" | "socket",
  around: Around = (_stage, run) => run(),
): Promise<BareFanoutResult> {
  const tag = `${via}${count}`;
  // Every size and route shares one set of leaf rooms: local workerd starts refusing sockets to
  // new rooms after a few thousand rooms have been started in one process.
  const leaves = Array.from({ length: count }, (_, i) => `leaf-${i}`);
  const clients = await openClients(server, leaves);
  const latencies: number[] = [];
  // One warm-up round (rooms start, sockets between rooms open), then the measured ones.
  for (let i = -1; i < changes; i++) {
    const note = `change-${tag}-${i}`;
    const arrivals: number[] = [];
    const listener = (text: string, at: number) => {
      if (text === note) arrivals.push(at);
    };
    for (const client of clients) client.onText.add(listener);
    let sentAt = 0;
    const round = async () => {
      sentAt = performance.now();
      const response = await fetch(`${server.url}/parties/bare/hub-${tag}`, {
        method: "POST",
        body: JSON.stringify({ leaves, note, via }),
      });
      if (!response.ok) throw new Error(`bare hub: ${response.status} ${await response.text()}`);
      await until(30_000, () => arrivals.length >= count);
    };
    if (i >= 0) await around(`change ${i + 1}`, round);
    else await round();
    for (const client of clients) client.onText.delete(listener);
    if (i >= 0) latencies.push(...arrivals.map((at) => at - sentAt));
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const client of clients) client.socket.close();
  return { leaves: count, via, latency: summarize(latencies) };
}

/**
 * The floor under an instant message: `users` bare rooms with one client socket each; at `rate`
 * a second, a client sends on its socket, its room hands the text to another room by HTTP, and
 * that room sends it to its client. Latency from send to arrival.
 */
export async function bareRelay(
  server: TestServer,
  users: number,
  rates: number[],
  seconds: number,
  via: "http" | "socket" = "http",
  store = false,
  around: Around = (_stage, run) => run(),
): Promise<BareRelayResult[]> {
  const rooms = Array.from({ length: users }, (_, i) => `relay-${via}${store ? "-store" : ""}-${i}`);
  const clients = await openClients(server, rooms);
  const results: BareRelayResult[] = [];
  for (const rate of rates) {
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const listener = (text: string, at: number) => {
      const start = sentAt.get(text);
      if (start !== undefined) latencies.push(at - start);
    };
    for (const client of clients) client.onText.add(listener);
    const total = await around(`${rate}/s`, async () => {
      const sent = await sendAtRate(rate, seconds, users, (from, to, index) => {
        const text = `r${rate}-${index}`;
        sentAt.set(text, performance.now());
        clients[from]?.socket.send(JSON.stringify({ to: rooms[to], text, via, store }));
      });
      await until(60_000, () => latencies.length >= sent).catch(() => undefined);
      return sent;
    });
    for (const client of clients) client.onText.delete(listener);
    results.push({ rate, latency: summarize(latencies), sent: total, received: latencies.length });
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const client of clients) client.socket.close();
  return results;
}
