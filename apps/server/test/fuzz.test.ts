/**
 * The bad-input fuzzer (issue #12): HTTP bodies, path parameters, query strings, socket frames and
 * socket upgrades made from the protocol's schemas and then broken, plus garbage, sent to every
 * route and frame type of a real `partykit dev`, signed in and not. Every answer must be a 4xx in
 * the documented error shape (or an error frame, or a documented close), within a time bound; a
 * refused input must change nothing the principal can read about themselves; the server, the
 * room and another principal must still be served after each batch.
 *
 * `npm test` runs a few hundred inputs with a fresh random seed each time (printed in the summary
 * line, so any finding can be replayed with FUZZ_SEED); FUZZ_RUNS=20000 runs a longer report.
 * Findings are collected rather than thrown at the first one, so a long run reports them all.
 */
import { readdirSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect as tcpConnect } from "node:net";
import { join } from "node:path";
import {
  type Buddy,
  CLOSE_CODES,
  ClientMessageSchema,
  decodeFrame,
  ErrorBodySchema,
  ErrorCodeSchema,
  LIMITS,
  type OwnPresence,
  type PrivacySettings,
  ROOM_CALLS,
} from "@pim/protocol";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  connect,
  openSocket,
  RefusedUpgrade,
  roomApi,
  type Session,
  signUp,
  type TestSocket,
  uniqueHandle,
} from "./harness/client.ts";
import {
  garbageText,
  invalidUtf8,
  mutatedBy,
  oversizedJson,
  shapedBy,
  toJsonText,
} from "./harness/fuzz-inputs.ts";
import { ROUTES, type RouteCase } from "./harness/fuzz-routes.ts";
import { ODD_STRINGS } from "./harness/hostile-strings.ts";
import { exportPrincipal, type PrincipalExport } from "./harness/principal-export.ts";
import { startServer, type TestServer } from "./harness/server.ts";

const TOTAL = Number(process.env.FUZZ_RUNS ?? 0) || 460;
const SEED = process.env.FUZZ_SEED
  ? Number(process.env.FUZZ_SEED)
  : (Date.now() ^ (Math.random() * 2 ** 31)) | 0;
/** Inputs per kind: most of them HTTP, then frames, upgrades and raw TCP garbage. */
const RUNS = {
  http: Math.round(TOTAL * 0.55),
  frames: Math.round(TOTAL * 0.33),
  upgrades: Math.round(TOTAL * 0.08),
  raw: Math.max(8, Math.round(TOTAL * 0.02)),
};
/** No answer within this long is a hang. */
const REQUEST_TIMEOUT_MS = 10_000;
/** A health check (service, the fuzzed room, another principal) after this many inputs. */
const BATCH = 25;
const timeoutFor = (runs: number) => 60_000 + runs * 400;

let server: TestServer;
/** The principal whose room is fuzzed; bob and carol are people in alice's life. */
let alice: Session;
let bob: Session;
let carol: Session;
let aliceBearer: string;
let bobTab: TestSocket;
let baseline: { presence: OwnPresence; privacy: PrivacySettings };

const tried = { http: 0, frames: 0, upgrades: 0, raw: 0 };
/** The longest answer seen, in ms (every answer is bounded by REQUEST_TIMEOUT_MS). */
const slowest = { http: 0, frames: 0 };
const statuses = new Map<string, number>();
type Finding = { kind: string; input: string; answer: string };
const findings: Finding[] = [];
const findingKinds = new Map<string, number>();

function count(key: string): void {
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
}

/** A bug: kept with its input (the first few of each kind in full), and the fuzzing goes on. */
function found(kind: string, input: unknown, answer: unknown): void {
  const seen = findingKinds.get(kind) ?? 0;
  findingKinds.set(kind, seen + 1);
  if (seen < 3) findings.push({ kind, input: clip(input), answer: clip(answer) });
}

function clip(value: unknown): string {
  const text =
    typeof value === "string"
      ? value
      : JSON.stringify(value, (_k, v) =>
          v instanceof Uint8Array ? `<bytes ${Buffer.from(v).toString("hex").slice(0, 200)}>` : v,
        );
  return text && text.length > 600 ? `${text.slice(0, 600)}… (${text.length} chars)` : String(text);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  server = await startServer();
  [alice, bob, carol] = await Promise.all([
    signUp(server, uniqueHandle("alice")),
    signUp(server, uniqueHandle("bob")),
    signUp(server, uniqueHandle("carol")),
  ]);
  const token = await fetch(`${server.url}/parties/user/${alice.handle}/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.origin },
    body: JSON.stringify({ handle: alice.handle, password: "correct horse battery" }),
  });
  aliceBearer = ((await token.json()) as { token: string }).token;
  await givePast();
  bobTab = await connect(server, bob);
  await bobSeenOpen();
  baseline = {
    presence: await roomApi(server, alice).json<OwnPresence>("/presence"),
    privacy: await roomApi(server, alice).json<PrivacySettings>("/privacy"),
  };
});

afterAll(async () => {
  bobTab?.close();
  const total = tried.http + tried.frames + tried.upgrades + tried.raw;
  console.log(
    `fuzz: ${total} inputs (HTTP ${tried.http}, socket frames ${tried.frames}, socket upgrades ${tried.upgrades}, raw TCP ${tried.raw}), seed ${SEED}, ${findings.length === 0 ? "no findings" : `${[...findingKinds.values()].reduce((a, b) => a + b, 0)} findings`}`,
  );
  console.log(
    `fuzz slowest answer: HTTP ${Math.round(slowest.http)} ms, socket frame ${Math.round(slowest.frames)} ms`,
  );
  console.log(
    `fuzz answers: ${[...statuses]
      .sort()
      .map(([k, v]) => `${k}×${v}`)
      .join(", ")}`,
  );
  await server?.dispose();
});

/** Alice's life before the fuzzing: buddies both ways, a waiting request, rules, a conversation. */
async function givePast(): Promise<void> {
  const a = roomApi(server, alice);
  const b = roomApi(server, bob);
  const c = roomApi(server, carol);
  const ok = async (response: Promise<Response>) => {
    const r = await response;
    if (!r.ok) throw new Error(`setup: ${r.status} ${await r.text()}`);
  };
  await ok(a.post("/buddies", { handle: bob.handle }));
  await ok(b.post(`/subscribers/${alice.handle}`, { decision: "approve" }));
  await ok(b.post("/buddies", { handle: alice.handle }));
  await ok(a.post(`/subscribers/${bob.handle}`, { decision: "approve" }));
  await ok(c.post("/buddies", { handle: alice.handle }));
  await ok(
    a.put("/privacy/rules", {
      default: { action: "confirm", show: "note" },
      people: { [carol.handle]: { action: "polite-block", show: "status" } },
      groups: [{ name: "friends", members: [bob.handle], rule: { action: "allow", show: "lastSeen" } }],
      refuseAnonymous: true,
    }),
  );
  await ok(
    a.put("/privacy/delivery", {
      whoMayWrite: "anyone",
      whileClosed: "accept",
      alwaysThrough: [bob.handle],
      readReceipts: false,
    }),
  );
  await ok(a.put("/privacy/visibility", { anonymous: false, presentities: { [carol.handle]: true } }));
  const dave = await signUp(server, uniqueHandle("dave"));
  await ok(a.post("/blocklist", { handle: dave.handle }));
  await ok(a.post("/presence", { availability: "busy", note: "in a meeting", markup: { mood: "🙂" } }));
  const aliceTab = await connect(server, alice);
  aliceTab.send({ type: "message.send", id: "fuzz-setup-1", to: bob.handle, text: "hello bob" });
  await aliceTab.next("message.ack", (m) => m.id === "fuzz-setup-1");
  aliceTab.close();
  const bobSetupTab = await connect(server, bob);
  bobSetupTab.send({ type: "message.send", id: "fuzz-setup-2", to: alice.handle, text: "hi alice" });
  await bobSetupTab.next("message.ack", (m) => m.id === "fuzz-setup-2");
  bobSetupTab.close();
  await settled(0);
}

/** Waits until bob's open tab has reached alice's buddy list (a notification, so it comes later). */
async function bobSeenOpen(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { buddies } = await roomApi(server, alice).json<{ buddies: Buddy[] }>("/buddies");
    const view = buddies.find((b) => b.handle === bob.handle)?.view;
    if (view?.status === "open" && view.devices?.length === 1) return;
    await sleep(100);
  }
  throw new Error("bob's tab never showed in alice's buddy list");
}

/** Waits until the principal's room (alice's unless told) shows exactly `sockets` devices (a closed tab leaves after onClose). */
async function settled(sockets: number, whose: Session = alice): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const presence = await roomApi(server, whose).json<OwnPresence>("/presence");
    if (presence.devices.length === sockets) return;
    await sleep(100);
  }
  throw new Error(`${whose.handle}'s devices did not settle at ${sockets}`);
}

/** Puts back what an accepted input may have changed, so the next input starts from the same past. */
async function restore(): Promise<void> {
  const a = roomApi(server, alice);
  const { chosen } = baseline.presence;
  await a.post("/presence", {
    availability: chosen.availability,
    invisible: chosen.invisible,
    note: chosen.note ?? null,
    noteExpiresAt: chosen.noteExpiresAt ?? null,
    markup: chosen.markup ?? null,
  });
  await a.put("/privacy/rules", baseline.privacy.rules);
  await a.put("/privacy/delivery", baseline.privacy.delivery);
  await a.put("/privacy/visibility", baseline.privacy.visibility);
  const now = await a.json<PrivacySettings>("/privacy");
  for (const handle of now.blocked.filter((h) => !baseline.privacy.blocked.includes(h))) {
    await a.delete(`/blocklist/${handle}`);
  }
}

/** The service answers, the fuzzed room answers, and another principal is served (HTTP and socket). */
async function healthy(where: string): Promise<void> {
  const checks: Array<[string, () => Promise<boolean>]> = [
    ["service", async () => (await fetch(`${server.url}/parties/main/health`)).ok],
    ["alice's room", async () => (await roomApi(server, alice).get("/session")).ok],
    ["bob's room", async () => (await roomApi(server, bob).get("/session")).ok],
    [
      "bob's socket",
      async () => {
        const id = `health-${Date.now()}`;
        bobTab.send({ type: "ping", id });
        await bobTab.next("pong", (m) => m.id === id, 5_000);
        return true;
      },
    ],
  ];
  for (const [name, check] of checks) {
    const ok = await check().catch(() => false);
    if (!ok) {
      found(`down: ${name}`, where, "no answer");
      throw new Error(`${name} is not served after ${where}: stopping (seed ${SEED})`);
    }
  }
}

const same = (a: PrincipalExport, b: PrincipalExport) => JSON.stringify(a) === JSON.stringify(b);

/** The parts that changed, before and after, for a finding's report. */
function diff(a: PrincipalExport, b: PrincipalExport): Record<string, unknown> {
  const after = new Map(Object.entries(b));
  return Object.fromEntries(
    Object.entries(a)
      .filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(after.get(key)))
      .map(([key, value]) => [key, { before: value, after: after.get(key) }]),
  );
}

function changedParts(a: PrincipalExport, b: PrincipalExport): string[] {
  return Object.keys(diff(a, b));
}

/** An export without alice's devices: a socket the room closed takes its device with it. */
function withoutDevices(e: PrincipalExport): PrincipalExport {
  const presence = e.presence as { chosen: unknown };
  return { ...e, presence: { chosen: presence.chosen } };
}

describe("the route table", () => {
  it("covers every route the room's Hono app declares", () => {
    // Read from the route files (importing the server's code would bring the workers' types in).
    const routesDir = join(import.meta.dirname, "../src/http/routes");
    const declared = readdirSync(routesDir).flatMap((file) => {
      const source = readFileSync(join(routesDir, file), "utf8");
      return [...source.matchAll(/app\.(get|post|put|delete|patch)\(\s*"([^"]+)"/g)].map(
        (m) => `${(m[1] as string).toUpperCase()} ${m[2]}`,
      );
    });
    // Room calls are answered from their table, not declared route by route.
    for (const call of Object.values(ROOM_CALLS)) {
      if (call.party === "user") declared.push(`POST ${call.path}`);
    }
    expect(declared.length).toBeGreaterThan(30);
    const fuzzed = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(declared.filter((r) => !fuzzed.includes(r))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// HTTP

type Auth =
  | "self"
  | "self-bearer"
  | "none"
  | "garbage-cookie"
  | "garbage-bearer"
  | "other"
  | "foreign-origin"
  | "forged-room-call";

type HttpInput = {
  route: RouteCase;
  method: string;
  room: string;
  params: string[];
  query: string;
  auth: Auth;
  contentType: string | null;
  body: string | Uint8Array | null;
};

/** A path segment as it goes in a URL: encoded, or sometimes raw (with its slashes and dots). */
function segment(value: string, raw: boolean): string {
  if (raw) return value;
  try {
    return encodeURIComponent(value);
  } catch {
    return value.replace(/[\ud800-\udfff]/g, "%ED%A0%80"); // a lone surrogate cannot be encoded
  }
}

function httpInputs(): fc.Arbitrary<HttpInput> {
  const real = [alice.handle, bob.handle, carol.handle, bob.handle.toUpperCase(), ` ${bob.handle}`];
  const oddParam = (readOnly: boolean) =>
    fc.oneof(
      fc.tuple(fc.constantFrom(...ODD_STRINGS), fc.boolean()).map(([v, raw]) => segment(v, raw)),
      fc.stringMatching(/^[a-z0-9._-]{3,32}$/),
      fc.stringMatching(/^[A-Za-z0-9._~-]{0,40}$/),
      fc.string({ unit: "binary", maxLength: 40 }).map((v) => segment(v, false)),
      fc.integer().map(String),
      fc.constantFrom(
        "%ff",
        "%c0%af",
        "%ed%a0%80",
        "%00",
        "%2F",
        "..%2F..%2Fsession",
        "%",
        "%zz",
        "anonymous:0123456789ab",
      ),
      ...(readOnly ? [fc.constantFrom(...real).map((v) => segment(v, false))] : []),
    );
  const room = fc.oneof(
    { arbitrary: fc.constant(alice.handle), weight: 12 },
    { arbitrary: fc.constantFrom(alice.handle.toUpperCase(), `${alice.handle}%20`), weight: 1 },
    { arbitrary: fc.constantFrom(...ODD_STRINGS).map((v) => segment(v, false)), weight: 1 },
    { arbitrary: fc.stringMatching(/^[a-z0-9._-]{3,32}$/), weight: 1 },
  );
  const query = fc.oneof(
    { arbitrary: fc.constant(""), weight: 4 },
    {
      arbitrary: fc
        .array(
          fc.tuple(
            fc.oneof(
              fc.constantFrom("before", "limit", "__proto__", "constructor", "device", "before[]"),
              fc.string({ maxLength: 8 }),
            ),
            fc.oneof(
              fc.constantFrom(
                "",
                "0",
                "-1",
                "1e3",
                "1.5",
                "NaN",
                "Infinity",
                "9007199254740993",
                "0x10",
                " 5",
                "5 ",
                "200",
                "201",
              ),
              fc.constantFrom(...ODD_STRINGS),
              fc.integer().map(String),
            ),
          ),
          { minLength: 1, maxLength: 4 },
        )
        .map((pairs) => {
          const search = new URLSearchParams();
          for (const [k, v] of pairs) {
            try {
              search.append(k, v);
            } catch {
              // a lone surrogate: left out
            }
          }
          return `?${search}`;
        }),
      weight: 2,
    },
    {
      arbitrary: fc.constantFrom("?before=%ff", "?limit=%00", "?&&&=", "?a=1&a=2", "?limit=5&limit=6"),
      weight: 1,
    },
  );
  const auth = fc.oneof(
    { arbitrary: fc.constant<Auth>("self"), weight: 8 },
    { arbitrary: fc.constant<Auth>("self-bearer"), weight: 2 },
    {
      arbitrary: fc.constantFrom<Auth>(
        "none",
        "garbage-cookie",
        "garbage-bearer",
        "other",
        "foreign-origin",
        "forged-room-call",
      ),
      weight: 4,
    },
  );
  const contentType = fc.oneof(
    { arbitrary: fc.constant<string | null>("application/json"), weight: 8 },
    {
      arbitrary: fc.constantFrom<string | null>(
        null,
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=utf-16",
        "application/pidf+xml",
      ),
      weight: 1,
    },
  );
  const bodyFor = (schema: z.ZodType | undefined): fc.Arbitrary<string | Uint8Array | null> =>
    fc.oneof(
      { arbitrary: (schema ? mutatedBy(schema) : shapedBy(ClientMessageSchema)).map(toJsonText), weight: 8 },
      { arbitrary: garbageText, weight: 2 },
      { arbitrary: invalidUtf8, weight: 1 },
      { arbitrary: oversizedJson(LIMITS.maxBodyBytes), weight: 1 },
      { arbitrary: fc.constant(null), weight: 1 },
    );
  return fc
    .constantFrom(...ROUTES)
    .chain((route) =>
      fc.record({
        route: fc.constant(route),
        method: fc.oneof(
          { arbitrary: fc.constant(route.method), weight: 12 },
          {
            arbitrary: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"),
            weight: 1,
          },
        ),
        room: route.rc || route.auth ? room : room,
        params: fc.tuple(...route.params.map(() => oddParam(route.readOnly))) as fc.Arbitrary<string[]>,
        query,
        auth,
        contentType,
        body: bodyFor(route.body),
      }),
    )
    .map((input) => {
      // Signing out with alice's own session is not bad input: it works, and would end the run.
      if (input.route.endsSession && (input.auth === "self" || input.auth === "self-bearer")) {
        return { ...input, auth: "none" as const };
      }
      return input;
    });
}

function urlOf(input: HttpInput): string {
  let path = input.route.path;
  input.route.params.forEach((name, i) => {
    path = path.replace(`:${name}`, input.params[i] ?? "");
  });
  return `${server.url}/parties/user/${input.room}${path}${input.query}`;
}

function headersOf(input: HttpInput): Record<string, string> {
  const headers: Record<string, string> = {};
  if (input.contentType) headers["content-type"] = input.contentType;
  const cookie = { cookie: alice.cookie, origin: server.origin };
  switch (input.auth) {
    case "self":
      return { ...headers, ...cookie };
    case "self-bearer":
      return { ...headers, authorization: `Bearer ${aliceBearer}` };
    case "none":
      return headers;
    case "garbage-cookie":
      return { ...headers, cookie: "pim_session=v1:x:y:z:w; pim_session=__proto__", origin: server.origin };
    case "garbage-bearer":
      return { ...headers, authorization: `Bearer ${aliceBearer.slice(0, -4)}AAAA` };
    case "other":
      return { ...headers, cookie: bob.cookie, origin: server.origin };
    case "foreign-origin":
      return { ...headers, cookie: alice.cookie, origin: "http://evil.example" };
    case "forged-room-call":
      return { ...headers, ...cookie, "x-pim-room-call": `${bob.handle}:${Date.now()}:${"0".repeat(64)}` };
    default: {
      const unknown: never = input.auth;
      return unknown;
    }
  }
}

/** Whether the room's schema for this route would take the body (the oracle for a 2xx). */
function schemaTakes(input: HttpInput): boolean {
  const { body: schema } = input.route;
  if (!schema || input.method !== input.route.method) return true;
  if (input.body === null || typeof input.body !== "string") return false;
  if (new TextEncoder().encode(input.body).byteLength > LIMITS.maxBodyBytes) return false;
  try {
    // The server decodes bodies as UTF-8 with `TextDecoder`, which drops a leading byte order
    // mark, as RFC 8259 (8.1) lets a JSON parser do: the oracle reads the body the same way.
    const text = input.body.startsWith("\uFEFF") ? input.body.slice(1) : input.body;
    return schema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

/**
 * One request on its own connection (`Connection: close`), so a connection the server ends early
 * (a 413 before the body is read) is never reused by the next request; bounded in time.
 */
function request(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | Uint8Array | null,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
      });
      response.on("error", reject);
    });
    const timer = setTimeout(() => {
      outgoing.destroy();
      reject(new Error("timeout"));
    }, REQUEST_TIMEOUT_MS);
    outgoing.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(body ?? undefined);
  });
}

/** Alice's export after the last input, when nothing since could have changed it (no socket is open). */
let lastExport: PrincipalExport | null = null;

async function tryHttp(input: HttpInput): Promise<void> {
  tried.http += 1;
  const before = lastExport ?? (await exportPrincipal(server, alice));
  lastExport = null;
  const withBody = input.method !== "HEAD" && input.body !== null;
  const label = `${input.method} ${urlOf(input).slice(server.url.length)} as ${input.auth}`;
  let answer: { status: number; text: string };
  const sentAt = performance.now();
  try {
    answer = await request(urlOf(input), input.method, headersOf(input), withBody ? input.body : null);
  } catch (error) {
    const timedOut = (error as Error).message === "timeout";
    found(timedOut ? "hang: HTTP" : "HTTP request failed", { label, body: input.body }, String(error));
    return;
  }
  const { status, text } = answer;
  slowest.http = Math.max(slowest.http, performance.now() - sentAt);
  count(`${status}`);
  if (process.env.FUZZ_LOG)
    console.log(tried.http, status, clip({ label, body: input.body, ct: input.contentType }).slice(0, 300));
  if (status >= 500)
    found(`${status} from ${input.route.method} ${input.route.path}`, { label, body: input.body }, text);
  // PartyKit's own router answers a path that names no room (an empty or dot segment where the
  // room id goes) before any code of ours runs: "Not found", or for ".." (the path then names
  // another party, `/parties/<route>/...`) "Party <name> not found". The runtime's, not ours.
  const runtimeNotFound =
    status === 404 &&
    (text === "Not found" || /^Party \S+ not found$/.test(text)) &&
    /^(|\.|\.\.|%2e|%2e%2e)$/i.test(input.room);
  if (runtimeNotFound) count("404 from the runtime's router");
  if (status >= 400 && input.method !== "HEAD" && status !== 405 && !runtimeNotFound) {
    let shaped = false;
    try {
      shaped = ErrorBodySchema.safeParse(JSON.parse(text)).success;
    } catch {
      shaped = false;
    }
    if (!shaped)
      found(
        `undocumented error body (${status}) from ${input.method} ${input.route.path}`,
        { label, body: input.body },
        text,
      );
  }
  if (status < 400 && !schemaTakes(input)) {
    found(
      `accepted what the schema refuses: ${input.route.method} ${input.route.path}`,
      { label, body: input.body },
      `${status} ${text}`,
    );
  }
  const after = await exportPrincipal(server, alice);
  if (status >= 400 && !same(before, after)) {
    found(
      `a refused input changed ${changedParts(before, after).join(", ")}`,
      { label, body: input.body },
      { status, text, diff: diff(before, after) },
    );
  }
  if (status < 400 && input.method !== "GET" && input.method !== "HEAD") await restore();
  else lastExport = after;
}

describe("HTTP: every route, bad bodies, odd parameters and queries, signed in and not", () => {
  it(
    "answers 4xx in the documented shape, in time, and a refusal changes nothing",
    async () => {
      const findingsBefore = findings.length;
      await fc.assert(
        fc.asyncProperty(httpInputs(), async (input) => {
          await tryHttp(input);
          if (tried.http % BATCH === 0) await healthy(`${tried.http} HTTP inputs`);
        }),
        { numRuns: RUNS.http, seed: SEED, endOnFailure: true },
      );
      await healthy("the HTTP inputs");
      expect(findings.slice(findingsBefore)).toEqual([]);
    },
    timeoutFor(RUNS.http),
  );
});

// ---------------------------------------------------------------------------------------------
// Socket frames

type FrameInput =
  | { kind: "text"; text: string }
  | { kind: "binary"; bytes: Uint8Array }
  | { kind: "bad-utf8"; bytes: Uint8Array };

const frameInputs: fc.Arbitrary<FrameInput> = fc.oneof(
  {
    arbitrary: mutatedBy(ClientMessageSchema).map((v) => ({ kind: "text" as const, text: toJsonText(v) })),
    weight: 12,
  },
  {
    arbitrary: fc
      .constantFrom(...ClientMessageSchema.options)
      .chain((option) => mutatedBy(option as z.ZodType))
      .map((v) => ({ kind: "text" as const, text: toJsonText(v) })),
    weight: 6,
  },
  { arbitrary: garbageText.map((text) => ({ kind: "text" as const, text })), weight: 3 },
  {
    arbitrary: oversizedJson(LIMITS.maxFrameBytes).map((text) => ({ kind: "text" as const, text })),
    weight: 1,
  },
  {
    arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: "binary" as const, bytes })),
    weight: 1,
  },
  { arbitrary: invalidUtf8.map((bytes) => ({ kind: "bad-utf8" as const, bytes })), weight: 1 },
);

let tab: TestSocket | null = null;
let framesOnTab = 0;

/** Alice's fuzzed tab: a fresh one when the last closed or has used most of its frame allowance. */
async function aliceTab(): Promise<TestSocket> {
  if (tab && !tab.closed && framesOnTab < 45) return tab;
  tab?.close();
  tab = null;
  await settled(0);
  tab = await connect(server, alice);
  framesOnTab = 0;
  await settled(1);
  return tab;
}

async function tryFrame(input: FrameInput): Promise<void> {
  tried.frames += 1;
  const socket = await aliceTab();
  framesOnTab += 1;
  const before = await exportPrincipal(server, alice);
  const from = socket.messages.length;
  const expected =
    input.kind === "text"
      ? decodeFrame(ClientMessageSchema, input.text)
      : { ok: false as const, code: "invalid" };
  const label = input.kind === "text" ? input.text : input;
  if (input.kind === "text") socket.ws.send(input.text);
  else socket.ws.send(input.bytes, { binary: input.kind === "binary" });
  const syncId = `sync-${tried.frames}`;
  socket.send({ type: "ping", id: syncId });
  const sentAt = performance.now();
  try {
    await socket.next("pong", (m) => m.id === syncId, REQUEST_TIMEOUT_MS);
  } catch {
    // closed, or no answer in time: told apart below
  }
  slowest.frames = Math.max(slowest.frames, performance.now() - sentAt);
  const answers = socket.messages.slice(from);
  const errors = answers.filter((m) => m.type === "error");
  for (const e of errors) count(`frame error ${e.code}`);
  if (socket.closed) {
    count(`close ${socket.closed.code}`);
    const documented =
      (socket.closed.code === CLOSE_CODES.tooLarge && !expected.ok && expected.code === "too_large") ||
      (socket.closed.code === 1007 && input.kind === "bad-utf8");
    if (!documented) found(`socket closed (${socket.closed.code} ${socket.closed.reason})`, label, answers);
  } else if (!answers.some((m) => m.type === "pong" && m.id === syncId)) {
    found("hang: no pong after a frame", label, answers);
  }
  if (!expected.ok && errors.length === 0 && !(input.kind === "bad-utf8" && socket.closed)) {
    found("a refused frame got no error frame", label, answers);
  }
  if (!expected.ok && errors.some((e) => !ErrorCodeSchema.safeParse(e.code).success)) {
    found("an error frame with an undocumented code", label, answers);
  }
  if (expected.ok) {
    const message = expected.value;
    // A ping with an empty id is answered with a pong without one (user.ts drops a falsy id).
    if (
      message.type === "ping" &&
      !answers.some((m) => m.type === "pong" && (m.id ?? "") === (message.id ?? ""))
    )
      found("a ping got no pong", label, answers);
    // Sending waits for the recipient's room, so the acknowledgement may come after the pong.
    if (message.type === "message.send") {
      await socket
        .next("message.ack", (m) => m.id === message.id, REQUEST_TIMEOUT_MS)
        .catch(() => found("a message got no acknowledgement", label, socket.messages.slice(from)));
    }
  }
  const closed = socket.closed !== null;
  if (closed) await aliceTab();
  const after = await exportPrincipal(server, alice);
  const [a, b] = closed ? [withoutDevices(before), withoutDevices(after)] : [before, after];
  if (!expected.ok && !same(a, b)) {
    found(`a refused frame changed ${changedParts(a, b).join(", ")}`, label, diff(a, b));
  }
  if (expected.ok) await restore();
}

describe("socket frames: every frame type, broken, and garbage", () => {
  it(
    "answers an error frame or a documented close, never a hang, and a refusal changes nothing",
    async () => {
      const findingsBefore = findings.length;
      await fc.assert(
        fc.asyncProperty(frameInputs, async (input) => {
          await tryFrame(input);
          if (tried.frames % BATCH === 0) await healthy(`${tried.frames} frames`);
        }),
        { numRuns: RUNS.frames, seed: SEED, endOnFailure: true },
      );
      tab?.close();
      tab = null;
      await healthy("the socket frames");
      expect(findings.slice(findingsBefore)).toEqual([]);
    },
    timeoutFor(RUNS.frames),
  );
});

// ---------------------------------------------------------------------------------------------
// Socket upgrades

type UpgradeInput = { room: string; auth: Auth; device: string | null; rawDevice: boolean };

function upgradeInputs(): fc.Arbitrary<UpgradeInput> {
  return fc.record({
    room: fc.oneof(
      { arbitrary: fc.constant(alice.handle), weight: 6 },
      { arbitrary: fc.constantFrom(...ODD_STRINGS).map((v) => segment(v, false)), weight: 1 },
      { arbitrary: fc.constantFrom(alice.handle.toUpperCase(), bob.handle), weight: 1 },
    ),
    auth: fc.oneof(
      { arbitrary: fc.constantFrom<Auth>("self", "self-bearer"), weight: 5 },
      {
        arbitrary: fc.constantFrom<Auth>(
          "none",
          "garbage-cookie",
          "garbage-bearer",
          "other",
          "foreign-origin",
          "forged-room-call",
        ),
        weight: 3,
      },
    ),
    device: fc.oneof(
      fc.constant(null),
      fc.constantFrom(...ODD_STRINGS),
      fc.string({ unit: "binary", maxLength: 80 }),
      fc.string({ unit: "grapheme", minLength: 60, maxLength: 80 }),
      fc.integer({ min: 0, max: 70 }).map((n) => `${"a".repeat(n)}${"😀".repeat(40)}`),
    ),
    rawDevice: fc.boolean(),
  });
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

async function tryUpgrade(input: UpgradeInput): Promise<void> {
  tried.upgrades += 1;
  const headers = headersOf({ auth: input.auth, contentType: null } as HttpInput);
  let query = "";
  if (input.device !== null) {
    query = input.rawDevice
      ? `?device=${input.device.replace(/[#\s]/g, "_")}`
      : `?${(() => {
          try {
            return new URLSearchParams({ device: input.device }).toString();
          } catch {
            return "device=%ED%A0%80";
          }
        })()}`;
  }
  const { cookie, authorization, origin, ...rest } = headers;
  const started = Date.now();
  let socket: TestSocket;
  try {
    socket = await Promise.race([
      openSocket(server, `${input.room}${query}`, {
        ...(cookie ? { cookie } : {}),
        ...(authorization ? { bearer: authorization.slice(7) } : {}),
        ...(origin ? { origin } : {}),
        headers: rest,
      }),
      sleep(REQUEST_TIMEOUT_MS).then(() => {
        throw new Error("timeout");
      }),
    ]);
  } catch (error) {
    if (error instanceof RefusedUpgrade) {
      count(`upgrade ${error.status}`);
      if (error.status >= 500 || error.status < 400) found(`upgrade answered ${error.status}`, input, "");
    } else {
      found("upgrade failed without an answer", input, String(error));
    }
    return;
  }
  count("upgrade 101");
  // Each principal may open a socket on their own room only: Alice with her cookie or bearer, Bob with his.
  const owner =
    input.room === alice.handle && (input.auth === "self" || input.auth === "self-bearer")
      ? alice
      : input.room === bob.handle && input.auth === "other"
        ? bob
        : null;
  if (!owner) found("an upgrade that should be refused was let in", input, Date.now() - started);
  try {
    const hello = await socket.next("hello", () => true, REQUEST_TIMEOUT_MS);
    const presence = await roomApi(server, owner ?? alice).json<OwnPresence>("/presence");
    const tuple = presence.devices.find((d) => d.id === hello.connectionId);
    const label = tuple?.device ?? "";
    if (
      !tuple ||
      label.length === 0 ||
      label.length > LIMITS.deviceLabelMaxLength ||
      /\p{Cc}/u.test(label) ||
      LONE_SURROGATE.test(label)
    ) {
      found("a device label out of bounds or not valid text", input, label);
    }
  } catch (error) {
    found("an accepted socket got no hello", input, String(error));
  } finally {
    socket.close();
    // Bob's own tab (bobTab) stays open throughout for the health checks.
    const stillOpen = owner === bob ? 1 : 0;
    await settled(stillOpen, owner ?? alice).catch(() => found("a closed socket's device stayed", input, ""));
  }
}

describe("socket upgrades: odd rooms, sessions, origins and device labels", () => {
  it(
    "refuses with 4xx or opens with a bounded, valid device label",
    async () => {
      const findingsBefore = findings.length;
      await fc.assert(
        fc.asyncProperty(upgradeInputs(), async (input) => {
          await tryUpgrade(input);
          if (tried.upgrades % BATCH === 0) await healthy(`${tried.upgrades} upgrades`);
        }),
        { numRuns: RUNS.upgrades, seed: SEED, endOnFailure: true },
      );
      await healthy("the upgrades");
      expect(findings.slice(findingsBefore)).toEqual([]);
    },
    timeoutFor(RUNS.upgrades),
  );
});

// ---------------------------------------------------------------------------------------------
// Raw TCP

const rawRequests: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 300 }),
  fc
    .constantFrom(
      "GARBAGE\r\n\r\n",
      "GET\r\n\r\n",
      "GET / HTTP/9.9\r\n\r\n",
      "POST /parties/user/x/signup HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n{}",
      "POST /parties/user/x/signup HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n{}",
      "POST /parties/user/x/signup HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "POST /parties/user/x/signup HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      `GET /parties/user/${"a".repeat(20_000)}/session HTTP/1.1\r\nHost: a\r\n\r\n`,
      `GET /parties/main/health HTTP/1.1\r\nHost: a\r\nX: ${"b".repeat(100_000)}\r\n\r\n`,
      "GET /parties/user/__proto__/session HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /parties/user/a\u0000b/session HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /parties/../../etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /parties/user/alice HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: nope\r\n\r\n",
    )
    .map((text) => new TextEncoder().encode(text)),
);

async function tryRaw(bytes: Uint8Array): Promise<void> {
  tried.raw += 1;
  const answer = await new Promise<string>((resolve) => {
    const socket = tcpConnect(server.port, "127.0.0.1");
    let received = "";
    const done = () => {
      socket.destroy();
      resolve(received);
    };
    // Bytes that are not a whole request leave the server waiting for more: that is no hang.
    socket.setTimeout(1_000, done);
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      if (received.includes("\r\n\r\n")) done();
    });
    socket.on("error", done);
    socket.on("close", done);
    socket.write(bytes);
  });
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1];
  count(`raw ${status ?? "no answer"}`);
  // workerd's own HTTP parser answers an unparsable request line with 501 before any code of ours
  // runs (Cloudflare's edge does in production); anything else at 5xx is ours.
  // No code of ours answers 501 (apps/server/src has none).
  const runtimeRefusal = status === "501" && answer.includes("Not Implemented");
  if (status && Number(status) >= 500 && !runtimeRefusal)
    found(`raw request answered ${status}`, Buffer.from(bytes).toString("latin1"), answer.slice(0, 300));
}

describe("raw TCP garbage", () => {
  it(
    "never gets a 5xx, and the service is still up",
    async () => {
      const findingsBefore = findings.length;
      await fc.assert(fc.asyncProperty(rawRequests, tryRaw), {
        numRuns: RUNS.raw,
        seed: SEED,
        endOnFailure: true,
      });
      await healthy("the raw requests");
      expect(findings.slice(findingsBefore)).toEqual([]);
    },
    timeoutFor(RUNS.raw),
  );
});
