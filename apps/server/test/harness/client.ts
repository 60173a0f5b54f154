import { type ServerMessage, ServerMessageSchema } from "@pim/protocol";
import WebSocket from "ws";
import type { TestServer } from "./server.ts";

/** A principal's credentials as a test client holds them. */
export type Session = { handle: string; cookie: string; sessionId: string };

export const PASSWORD = "correct horse battery";

let counter = 0;
/** A handle unique within this test run. */
export function uniqueHandle(prefix = "user"): string {
  counter += 1;
  return `${prefix}${counter}-${Date.now().toString(36)}`.slice(0, 32).toLowerCase();
}

export async function post(
  server: TestServer,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** The HTTP API of a principal's own room, as that principal (cookie, same origin). */
export function roomApi(server: TestServer, session: Session) {
  const base = `${server.url}/parties/user/${session.handle}`;
  const headers = { cookie: session.cookie, origin: server.origin, "content-type": "application/json" };
  const send = (method: string, path: string, body?: unknown) =>
    fetch(base + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return {
    get: (path: string, extra: Record<string, string> = {}) =>
      fetch(base + path, { headers: { ...headers, ...extra } }),
    post: (path: string, body: unknown) => send("POST", path, body),
    put: (path: string, body: unknown) => send("PUT", path, body),
    delete: (path: string) => send("DELETE", path),
    /** GET and parse JSON, failing the test on an error status. */
    json: async <T = unknown>(path: string): Promise<T> => {
      const response = await fetch(base + path, { headers });
      if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
  };
}

function cookieOf(response: Response): string {
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith("pim_session="));
  if (!setCookie) throw new Error("no session cookie");
  return setCookie.split(";")[0] as string;
}

export async function signUp(
  server: TestServer,
  handle = uniqueHandle(),
  password = PASSWORD,
): Promise<Session> {
  const path = `/parties/user/${handle.toLowerCase()}/signup`;
  let response: Response;
  try {
    response = await post(server, path, { handle, password });
  } catch (error) {
    // A kept-alive connection the dev server had just closed ("other side closed"; seen after a
    // file's bursts of refused requests): sent again on a new one. Had the first reached the
    // room, the handle is taken now, and signing in gives the same session.
    if (!(error instanceof TypeError)) throw error;
    response = await post(server, path, { handle, password });
    if (response.status === 409) return signIn(server, handle.toLowerCase(), password);
  }
  if (response.status !== 201) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { sessionId: string };
  return { handle: handle.toLowerCase(), cookie: cookieOf(response), sessionId: body.sessionId };
}

export async function signIn(server: TestServer, handle: string, password = PASSWORD): Promise<Session> {
  const response = await post(server, `/parties/user/${handle}/signin`, { handle, password });
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { sessionId: string };
  return { handle, cookie: cookieOf(response), sessionId: body.sessionId };
}

/** A socket to a room, with every message it receives decoded and kept in order. */
export class TestSocket {
  readonly messages: ServerMessage[] = [];
  closed: { code: number; reason: string } | null = null;
  /** Called on every decoded message as it arrives (benchmarks time arrivals here). */
  readonly listeners = new Set<(message: ServerMessage, receivedAt: number) => void>();
  private waiters: Array<() => void> = [];

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const parsed = ServerMessageSchema.safeParse(JSON.parse(String(data)));
      if (!parsed.success) throw new Error(`server sent an invalid message: ${String(data)}`);
      this.messages.push(parsed.data);
      // The room is closing this socket: closed from here as a tab does (the room's own close
      // can take until its eviction to arrive, with hibernation), and reported with its code.
      if (parsed.data.type === "closing" && !this.closed) {
        this.closed = { code: parsed.data.code, reason: parsed.data.reason };
        ws.close();
      }
      const receivedAt = performance.now();
      for (const listener of this.listeners) listener(parsed.data, receivedAt);
      this.wake();
    });
    ws.on("close", (code, reason) => {
      this.closed ??= { code, reason: reason.toString() };
      this.wake();
    });
  }

  private wake() {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  send(message: unknown): void {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** Waits until a received message matches, and returns it (also one received earlier). */
  async next<T extends ServerMessage["type"]>(
    type: T,
    match: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(
        (m): m is Extract<ServerMessage, { type: T }> =>
          m.type === type && match(m as Extract<ServerMessage, { type: T }>),
      );
      if (found) return found;
      if (this.closed) throw new Error(`socket closed (${this.closed.code}) waiting for ${type}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${type}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  /**
   * For what must NOT arrive: waits `ms` (long enough for it to have come) and fails as soon as a
   * matching message arrives, also one received earlier. A fixed wait is the only proof of
   * absence over a socket; the decisions behind it are proven without waiting in unit tests.
   */
  async expectNone(
    match: (m: ServerMessage) => boolean,
    ms: number,
    what = "an unexpected message",
  ): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.messages.find(match);
      if (found) throw new Error(`${what} arrived: ${JSON.stringify(found)}`);
      const left = deadline - Date.now();
      if (left <= 0) return;
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, Math.min(left, 100));
      });
    }
  }

  async waitClosed(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error("socket did not close");
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
    return this.closed;
  }

  close(): void {
    this.ws.close();
  }
}

export type SocketAuth = {
  cookie?: string;
  bearer?: string;
  origin?: string;
  headers?: Record<string, string>;
  /** The socket address's query, as a tab's (`device`, partysocket's `_pk`). */
  query?: Record<string, string>;
};

/** Opens a socket; resolves once open, or rejects with the HTTP status of a refused upgrade. */
export function openSocket(server: TestServer, room: string, auth: SocketAuth): Promise<TestSocket> {
  const headers: Record<string, string> = { ...auth.headers };
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
  if (auth.origin) headers.origin = auth.origin;
  const query = auth.query ? `?${new URLSearchParams(auth.query)}` : "";
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/parties/user/${room}${query}`, { headers });
  const socket = new TestSocket(ws);
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(socket));
    ws.once("unexpected-response", (_request, response) =>
      reject(new RefusedUpgrade(response.statusCode ?? 0)),
    );
    ws.once("error", reject);
  });
}

/** Opens a socket as a signed-in browser tab would and waits for the room's hello. */
export async function connect(
  server: TestServer,
  session: Session,
  query?: Record<string, string>,
): Promise<TestSocket> {
  const socket = await openSocket(server, session.handle, {
    cookie: session.cookie,
    origin: server.origin,
    ...(query ? { query } : {}),
  });
  await socket.next("hello");
  return socket;
}

export class RefusedUpgrade extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`);
  }
}
