/**
 * The adversarial suite, part 2: who someone is. An outsider without an account, prototype-like
 * handles, and an anonymous watcher the presentity tries to unmask. Each channel by which
 * information leaves a room (SECURITY.md) is tried; see adversarial.test.ts for part 1.
 */
import type { AccessRules, Subscriber, WatcherInfo, WatcherPreview } from "@pim/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connect,
  openSocket,
  PASSWORD,
  post,
  RefusedUpgrade,
  roomApi,
  type Session,
  signUp,
  type TestSocket,
  uniqueHandle,
} from "./harness/client.ts";
import { startServer, storedFiles, type TestServer } from "./harness/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.dispose();
});

const api = (session: Session) => roomApi(server, session);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rules(overrides: Partial<AccessRules> = {}): AccessRules {
  return {
    default: { action: "confirm", show: "lastSeen" },
    people: {},
    groups: [],
    refuseAnonymous: false,
    ...overrides,
  };
}

async function setRules(presentity: Session, value: AccessRules) {
  const response = await api(presentity).put("/privacy/rules", value);
  expect(response.status, await response.clone().text()).toBe(200);
}

/** A request from outside with no session at all (no cookie, no Bearer token). */
function bare(path: string, method = "GET", body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { "content-type": "application/json", origin: server.origin, ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Every route of a principal's room that needs a session, with a body where it takes one. */
const SESSION_ROUTES: Array<[method: string, path: string, body?: unknown]> = [
  ["GET", "/session"],
  ["POST", "/signout", {}],
  ["POST", "/signout-everywhere", {}],
  ["GET", "/presence"],
  ["POST", "/presence", { availability: "busy" }],
  ["GET", "/presence/someone-else"],
  ["GET", "/buddies"],
  ["POST", "/buddies", { handle: "someone-else" }],
  ["DELETE", "/buddies/someone-else"],
  ["GET", "/subscribers"],
  ["POST", "/subscribers/someone-else", { decision: "approve" }],
  ["DELETE", "/subscribers/someone-else"],
  ["GET", "/privacy"],
  ["PUT", "/privacy/rules", rules({ default: { action: "allow", show: "lastSeen" } })],
  ["PUT", "/privacy/delivery", { whoMayWrite: "anyone", whileClosed: "accept", alwaysThrough: [], readReceipts: true }],
  ["PUT", "/privacy/visibility", { anonymous: false, presentities: {} }],
  ["GET", "/privacy/preview/someone-else"],
  ["GET", "/blocklist"],
  ["POST", "/blocklist", { handle: "someone-else" }],
  ["DELETE", "/blocklist/someone-else"],
  ["GET", "/watchers"],
  ["POST", "/watchers/someone-else/block", {}],
  ["GET", "/conversations"],
  ["GET", "/conversations/someone-else/messages"],
  ["DELETE", "/conversations/someone-else/messages/1"],
  ["DELETE", "/conversations/someone-else"],
  ["GET", "/conversations/someone-else/deliverable"],
];

/** A room-to-room call header as an outsider would forge it (no valid MAC). */
const FORGED_ROOM_CALL = { "x-pim-room-call": `someone-else:${Date.now()}:${"0".repeat(64)}` };

describe("an outsider without an account", () => {
  it("requests to handles nobody signed up for leave no storage behind", async () => {
    // First in the file: nothing else is writing to the server's storage yet.
    const before = storedFiles(server);
    const requests: Promise<Response>[] = [];
    for (let i = 0; i < 10; i++) {
      const nobody = uniqueHandle("ghost");
      requests.push(
        bare(`/parties/user/${nobody}/presence/${nobody}x`),
        bare(`/parties/user/${nobody}/signin`, "POST", { handle: nobody, password: "wrong password" }),
        bare(`/parties/user/${nobody}/watchers`),
      );
    }
    for (const name of ["constructor", "__proto__", "prototype"]) {
      requests.push(
        bare(`/parties/user/${name}/presence`),
        bare(`/parties/user/${name}/rc/fetch`, "POST", { purpose: "fetch" }),
      );
    }
    const responses = await Promise.all(requests);
    for (const response of responses) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
    await sleep(500); // anything written after the answer (an alarm, a late put) lands by now
    expect(storedFiles(server)).toEqual(before);
  });

  it("every route of a principal's room answers 401 without a session, with no data", async () => {
    const alice = await signUp(server);
    const aliceTab = await connect(server, alice);
    await api(alice).post("/presence", { availability: "busy", note: "at the dentist" });
    const before = await api(alice).json("/privacy");
    for (const [method, path, body] of SESSION_ROUTES) {
      const response = await bare(`/parties/user/${alice.handle}${path}`, method, body);
      const text = await response.text();
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(Object.keys(JSON.parse(text) as object), `${method} ${path}`).toEqual(["error"]);
      expect(text, `${method} ${path}`).not.toContain("dentist");
      expect(text, `${method} ${path}`).not.toContain(alice.sessionId);
    }
    // Nothing they asked for happened.
    expect(await api(alice).json("/privacy")).toEqual(before);
    expect(aliceTab.closed).toBeNull();
    // A socket without a session is refused before it reaches the room.
    await expect(openSocket(server, alice.handle, { origin: server.origin })).rejects.toMatchObject({
      status: 401,
    });
    aliceTab.close();
  });

  it("another principal's session opens nothing in my room", async () => {
    const alice = await signUp(server);
    const mallory = await signUp(server);
    for (const [method, path, body] of SESSION_ROUTES.filter(([, p]) => !p.startsWith("/signout"))) {
      const response = await fetch(`${server.url}/parties/user/${alice.handle}${path}`, {
        method,
        headers: { cookie: mallory.cookie, origin: server.origin, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect([401, 403], `${method} ${path}`).toContain(response.status);
      expect(Object.keys((await response.json()) as object)).toEqual(["error"]);
    }
    const refused = await openSocket(server, alice.handle, {
      cookie: mallory.cookie,
      origin: server.origin,
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RefusedUpgrade);
    expect([401, 403]).toContain((refused as RefusedUpgrade).status);
  });

  it("room-to-room routes are refused from outside, forged or not, and change nothing", async () => {
    const alice = await signUp(server);
    await setRules(alice, rules({ default: { action: "allow", show: "lastSeen" } }));
    const calls: Array<[string, unknown]> = [
      ["/rc/fetch", { purpose: "fetch", anonymous: false }],
      ["/rc/subscribe", { anonymous: false }],
      ["/rc/unsubscribe", {}],
      ["/rc/exists", {}],
      ["/rc/notify", { state: "active", seq: 99 }],
      ["/rc/deliver", { id: "forged-message-1", text: "hello", sentAt: Date.now() }],
      ["/rc/deliverable", {}],
      ["/rc/receipt", { ids: ["forged-message-1"] }],
      ["/rc/typing", { typing: true }],
    ];
    for (const [path, body] of calls) {
      for (const headers of [{}, FORGED_ROOM_CALL]) {
        const response = await bare(`/parties/user/${alice.handle}${path}`, "POST", body, headers);
        expect(response.status, path).toBeGreaterThanOrEqual(400);
        expect(response.status, path).toBeLessThan(500);
        expect(Object.keys((await response.json()) as object)).toEqual(["error"]);
      }
    }
    // A forged NOTIFICATION channel is refused too.
    await expect(
      openSocket(server, alice.handle, { headers: FORGED_ROOM_CALL, origin: server.origin }),
    ).rejects.toBeInstanceOf(RefusedUpgrade);
    expect(await api(alice).json<{ watchers: unknown[] }>("/watchers")).toEqual({ watchers: [] });
    expect(await api(alice).json<{ subscribers: unknown[] }>("/subscribers")).toEqual({ subscribers: [] });
    expect(await api(alice).json<{ conversations: unknown[] }>("/conversations")).toEqual({
      conversations: [],
    });
  });
});
