import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { type Buddy, CLOSE_CODES, type OwnPresence } from "@pim/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  connect,
  openSocket,
  roomApi,
  type Session,
  signIn,
  signUp,
  type TestSocket,
} from "./harness/client.ts";
import { startServer, type TestServer } from "./harness/server.ts";

/**
 * Rooms hibernate (decision 29): local workerd evicts a room 10 s after its last event, with its
 * sockets kept open, and builds it again on the next one. Each test lets the rooms go idle past
 * that, then checks that the event that wakes them finds everything as it was. The wake log
 * (`LOG_WAKES=1`) proves the room was built again, so each test knows it tested a wake. A room's
 * last event can come ~2 s into the wait (a channel's idle close), and later on two busy cores
 * (16 s was once too short there); should a room still outlive the wait, the test runs once more.
 */
const IDLE_PAST_EVICTION_MS = 20_000;

let server: TestServer;
let output = "";
beforeAll(async () => {
  server = await startServer({
    vars: { LOG_WAKES: "1" },
    onOutput: (text) => {
      output += text;
    },
  });
});
afterAll(async () => {
  await server?.dispose();
});

const api = (session: Session) => roomApi(server, session);

/** How many times a room has been built so far. */
function wakes(handle: string): number {
  return output.split("\n").filter((line) => line.trim().endsWith(`room woke: ${handle}`)).length;
}

/** Bob watches Alice (approved), and Bob's tab is open. */
async function bobWatches(alice: Session): Promise<{ bob: Session; bobTab: TestSocket }> {
  const bob = await signUp(server);
  expect((await api(bob).post("/buddies", { handle: alice.handle })).status).toBe(201);
  expect((await api(alice).post(`/subscribers/${bob.handle}`, { decision: "approve" })).status).toBe(200);
  const bobTab = await connect(server, bob);
  return { bob, bobTab };
}

/** What Bob's tab shows of Alice now: the list it was sent, then every update after it. */
function shown(bobTab: TestSocket, handle: string): Buddy | undefined {
  let buddy: Buddy | undefined;
  for (const message of bobTab.messages) {
    if (message.type === "buddies") buddy = message.buddies.find((b) => b.handle === handle);
    if (message.type === "buddy.updated" && message.buddy.handle === handle) buddy = message.buddy;
  }
  return buddy;
}

/** Alice's devices as Bob sees them, "Laptop:available,Phone:away", or her status when closed. */
function devicesShown(bobTab: TestSocket, handle: string): string {
  const view = shown(bobTab, handle)?.view;
  if (view?.status !== "open") return view?.status ?? "nothing";
  return (view.devices ?? [])
    .map((d) => `${d.device}:${d.availability}`)
    .sort()
    .join(",");
}

async function untilShown(bobTab: TestSocket, handle: string, expected: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (devicesShown(bobTab, handle) !== expected) {
    if (Date.now() > deadline) {
      throw new Error(
        `Bob's tab shows ${devicesShown(bobTab, handle)}, not ${expected}; frames: ${bobTab.messages.map((m) => m.type).join(",")}`,
      );
    }
    await sleep(50);
  }
}

/** Waits long enough for local workerd to evict every idle room, and says which ones it built again. */
async function idlePastEviction(...handles: string[]): Promise<(handle: string) => number> {
  await sleep(IDLE_PAST_EVICTION_MS);
  const before = new Map(handles.map((h) => [h, wakes(h)]));
  return (handle) => wakes(handle) - (before.get(handle) ?? 0);
}

// The rooms of one test are idle while another test runs: eviction is per room, so they run at once.
describe.concurrent("a hibernating room", { retry: 1 }, () => {
  it("wakes for a tab's frame with its devices as they were, and tells watchers only the change", async () => {
    const alice = await signUp(server);
    const laptop = await connect(server, alice, { device: "Laptop" });
    const phone = await connect(server, alice, { device: "Phone" });
    phone.send({ type: "device.idle", idle: true });
    const { bobTab } = await bobWatches(alice);
    await untilShown(bobTab, alice.handle, "Laptop:available,Phone:away");

    const woken = await idlePastEviction(alice.handle);
    const framesBefore = bobTab.messages.length;
    laptop.send({ type: "device.idle", idle: true });
    await untilShown(bobTab, alice.handle, "Laptop:away,Phone:away");
    expect(woken(alice.handle)).toBeGreaterThan(0);
    // Nothing in between: not CLOSED, not a device missing.
    const between = bobTab.messages
      .slice(framesBefore)
      .flatMap((m) => (m.type === "buddy.updated" ? [m] : []));
    expect(between.map((m) => m.buddy.view?.status)).toEqual(["open"]);
    const own = await laptop.next("presence.self", (m) =>
      m.presence.devices.every((d) => d.availability === "away"),
    );
    expect(own.presence.devices.map((d) => d.device).sort()).toEqual(["Laptop", "Phone"]);
    laptop.close();
    phone.close();
    bobTab.close();
  }, 60_000);

  it("wakes for a tab's close, and watchers see the principal leave", async () => {
    const alice = await signUp(server);
    const tab = await connect(server, alice, { device: "Laptop" });
    const { bobTab } = await bobWatches(alice);
    await untilShown(bobTab, alice.handle, "Laptop:available");

    const woken = await idlePastEviction(alice.handle);
    tab.close();
    await untilShown(bobTab, alice.handle, "closed");
    expect(woken(alice.handle)).toBeGreaterThan(0);
    const presence = await api(alice).json<OwnPresence>("/presence");
    expect(presence.devices).toEqual([]);
    bobTab.close();
  }, 60_000);

  it("wakes for a message, delivers it and acknowledges it", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const aliceTab = await connect(server, alice);
    const bobTab = await connect(server, bob);

    const woken = await idlePastEviction(alice.handle, bob.handle);
    const id = randomUUID();
    bobTab.send({ type: "message.send", id, to: alice.handle, text: "still there?" });
    const ack = await bobTab.next("message.ack", (m) => m.id === id);
    expect(ack.state).not.toBe("failed");
    await aliceTab.next("message.stored", (m) => m.message.text === "still there?");
    expect(woken(bob.handle)).toBeGreaterThan(0);
    expect(woken(alice.handle)).toBeGreaterThan(0);
    aliceTab.close();
    bobTab.close();
  }, 60_000);

  it("wakes for another room's notification, and the subscriber's tab is told", async () => {
    const alice = await signUp(server);
    const { bob, bobTab } = await bobWatches(alice);
    const aliceTab = await connect(server, alice, { device: "Laptop" });
    await untilShown(bobTab, alice.handle, "Laptop:available");

    const woken = await idlePastEviction(alice.handle, bob.handle);
    aliceTab.send({ type: "device.idle", idle: true });
    await untilShown(bobTab, alice.handle, "Laptop:away");
    expect(woken(bob.handle)).toBeGreaterThan(0);
    aliceTab.close();
    bobTab.close();
  }, 60_000);
});

describe("closes the room starts", () => {
  it("a signed-out session's tab that never answers leaves presence at once", async () => {
    const alice = await signUp(server);
    const laptop = await connect(server, alice, { device: "Laptop" });
    const phoneSession = await signIn(server, alice.handle);
    // A raw socket that ignores the room's `closing` frame, as a tab that froze would.
    const phone = new WebSocket(`ws://127.0.0.1:${server.port}/parties/user/${alice.handle}?device=Phone`, {
      headers: { cookie: phoneSession.cookie, origin: server.origin },
    });
    const phoneFrames: string[] = [];
    phone.on("message", (data) => phoneFrames.push(String(data)));
    await new Promise((resolve, reject) => {
      phone.once("open", resolve);
      phone.once("error", reject);
    });
    const { bobTab } = await bobWatches(alice);
    await untilShown(bobTab, alice.handle, "Laptop:available,Phone:available");

    expect((await api(phoneSession).post("/signout", {})).status).toBe(200);
    await untilShown(bobTab, alice.handle, "Laptop:available", 5_000);
    expect(phoneFrames.some((f) => f.includes('"type":"closing"') && f.includes("4401"))).toBe(true);
    const presence = await api(alice).json<OwnPresence>("/presence");
    expect(presence.devices.map((d) => d.device)).toEqual(["Laptop"]);
    phone.terminate();
    laptop.close();
    bobTab.close();
  }, 60_000);

  it("a tab reconnecting with its socket id replaces the older socket, which takes nothing away", async () => {
    const alice = await signUp(server);
    const socketId = randomUUID();
    const first = await connect(server, alice, { device: "Laptop", _pk: socketId });
    const { bobTab } = await bobWatches(alice);
    await untilShown(bobTab, alice.handle, "Laptop:available");

    const second = await connect(server, alice, { device: "Laptop", _pk: socketId });
    await first.waitClosed();
    second.send({ type: "ping", id: "p" });
    await second.next("pong");
    // The older socket's close did not take the device the newer socket holds.
    await sleep(1_500);
    expect(devicesShown(bobTab, alice.handle)).toBe("Laptop:available");
    const presence = await api(alice).json<OwnPresence>("/presence");
    expect(presence.devices).toHaveLength(1);
    second.close();
    bobTab.close();
  }, 60_000);

  it("a socket id held by another sign-in's tab is refused, and the tags are not socket ids", async () => {
    const alice = await signUp(server);
    const other = await signIn(server, alice.handle);
    const socketId = randomUUID();
    const laptop = await connect(server, alice, { device: "Laptop", _pk: socketId });
    const intruder = await openSocket(server, alice.handle, {
      cookie: other.cookie,
      origin: server.origin,
      query: { device: "Phone", _pk: socketId },
    });
    expect((await intruder.waitClosed()).code).toBe(CLOSE_CODES.forbidden);
    // A tab whose id is the room's own tag for tabs replaces nobody.
    const tagged = await connect(server, alice, { device: "Tablet", _pk: "tab" });
    laptop.send({ type: "ping", id: "still-open" });
    await laptop.next("pong");
    expect(laptop.closed).toBeNull();
    const presence = await api(alice).json<OwnPresence>("/presence");
    expect(presence.devices.map((d) => d.device).sort()).toEqual(["Laptop", "Tablet"]);
    laptop.close();
    tagged.close();
  });

  it("refuses a socket id that would not fit the socket's kept state", async () => {
    const alice = await signUp(server);
    await expect(connect(server, alice, { _pk: "x".repeat(65) })).rejects.toMatchObject({ status: 400 });
    await expect(connect(server, alice, { device: "x".repeat(2_000) })).rejects.toMatchObject({
      status: 414,
    });
  });
});
