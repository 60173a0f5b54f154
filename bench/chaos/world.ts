import { type Buddy, type ServerMessage, ServerMessageSchema } from "@pim/protocol";
import WebSocket from "ws";
import type { Session } from "../../apps/server/test/harness/client.ts";
import type { OpLog } from "./op-log.ts";
import type { Prng } from "./prng.ts";

/** What the driver needs of the server: where it is, and whether it is up right now. */
export type ServerHandle = { origin: string; port: number; up(): boolean };

/** One message a client wrote, followed from its first send to its last acknowledgement. */
export type SentMessage = {
  id: string;
  from: string;
  to: string;
  device: string;
  /** Order of writing on its device (the outbox resends in this order). */
  order: number;
  createdAt: number;
  firstWireAt?: number;
  attempts: number;
  acks: Array<{ state: string; reason?: string; at: number }>;
  /** Its device vanished for good with the message still in its outbox: no one will resend it. */
  orphaned?: true;
};

/** A buddy's entry as one tab last received it, and every view it was shown, for the checks. */
export type ViewSeen = { watcher: string; presentity: string; at: number; state: string; view: string };

export const HTTP_TIMEOUT_MS = 10_000;

/** The world the principals act in: every message, every view shown, the operation log. */
export class World {
  readonly messages = new Map<string, SentMessage>();
  readonly viewsSeen: ViewSeen[] = [];
  readonly principals: Principal[] = [];
  /** Frames received by any tab, and when the last one came: the system is quiet when this stops. */
  lastFrameAt = 0;
  frames = 0;
  readonly t0 = Date.now();
  readonly faults = { kill: 0, storm: 0, drop: 0, vanish: 0, vanishForever: 0, stall: 0 };
  readonly errorsFromServer: string[] = [];

  constructor(
    readonly server: ServerHandle,
    readonly log: OpLog,
  ) {}

  byHandle(handle: string): Principal | undefined {
    return this.principals.find((p) => p.handle === handle);
  }

  ack(id: string, state: string, reason: string | undefined): void {
    const message = this.messages.get(id);
    if (!message) return;
    message.acks.push({ state, ...(reason ? { reason } : {}), at: Date.now() });
  }
}

/** One browser (or device) of a principal: its own outbox, and at most one open socket. */
export class Device {
  socket: TabSocket | null = null;
  /** Unacknowledged messages, oldest first (as the SPA's outbox keeps them). */
  readonly outbox = new Map<string, SentMessage>();
  /** Away (vanished, coming back later) or gone for good; reconnects only while "here". */
  presence: "here" | "away" | "gone" = "here";
  /** The user wants this tab open: a dropped socket is reopened. */
  wantOpen = false;
  private connecting: Promise<void> | null = null;
  private order = 0;

  constructor(
    readonly principal: Principal,
    readonly label: string,
    private readonly rng: Prng,
  ) {}

  get world(): World {
    return this.principal.world;
  }

  nextOrder(): number {
    this.order += 1;
    return this.order;
  }

  isOpen(): boolean {
    return this.socket?.ready === true;
  }

  /** Opens the tab (retrying while the server is away, for a bounded time) and resends the outbox. */
  open(reason: string): Promise<void> {
    this.wantOpen = true;
    this.connecting ??= this.connectLoop(reason).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connectLoop(reason: string): Promise<void> {
    for (let attempt = 0; attempt < 40 && this.wantOpen && this.presence === "here"; attempt++) {
      if (this.isOpen()) return;
      if (this.world.server.up()) {
        try {
          const socket = await TabSocket.open(this, this.world.server);
          if (!this.wantOpen || this.presence !== "here") {
            socket.kill();
            return;
          }
          this.socket = socket;
          this.world.log.add(this.principal.handle, "tab.open", `${this.label} (${reason})`, "ok");
          this.flushOutbox();
          return;
        } catch (error) {
          this.world.log.add(this.principal.handle, "tab.open", `${this.label} (${reason})`, String(error));
        }
      }
      await sleep(200 + this.rng.int(0, 800));
    }
  }

  /** Resends every unacknowledged message, oldest first, with its own id (as the SPA does). */
  flushOutbox(): void {
    const socket = this.socket;
    if (!socket?.ready) return;
    for (const message of this.outbox.values()) this.transmit(socket, message);
  }

  /** Writes a message: sent now if the tab is open, otherwise kept for the next connect. */
  write(message: SentMessage): void {
    this.outbox.set(message.id, message);
    if (this.socket?.ready) this.transmit(this.socket, message);
  }

  private transmit(socket: TabSocket, message: SentMessage): void {
    message.attempts += 1;
    message.firstWireAt ??= Date.now();
    socket.send({ type: "message.send", id: message.id, to: message.to, text: `chaos ${message.id}` });
  }

  /** Closes the tab on purpose. */
  close(): void {
    this.wantOpen = false;
    this.socket?.closeGently();
    this.socket = null;
  }

  /** The socket ended without us closing it: reopen it after a moment, as the SPA does. */
  lost(socket: TabSocket, why: string): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.world.log.add(this.principal.handle, "tab.lost", `${this.label}: ${why}`);
    if (this.wantOpen && this.presence === "here") {
      void sleep(100 + this.rng.int(0, 900)).then(() => this.open("reconnect"));
    }
  }

  received(message: ServerMessage): void {
    if (message.type === "message.ack") {
      if (message.state === "sending") return;
      this.world.ack(message.id, message.state, message.reason);
      this.world.log.add(
        this.principal.handle,
        "ack",
        `${message.id} ${message.state}${message.reason ? ` (${message.reason})` : ""}`,
      );
      this.outbox.delete(message.id);
    }
  }
}

/** A tab's socket to its own room: the buddy list as this tab shows it, kept from the frames. */
export class TabSocket {
  readonly buddies = new Map<string, Buddy>();
  ready = false;
  private ended = false;

  private constructor(
    readonly device: Device,
    private readonly ws: WebSocket,
  ) {}

  static open(device: Device, server: ServerHandle): Promise<TabSocket> {
    const session = device.principal.session;
    const ws = new WebSocket(
      `ws://127.0.0.1:${server.port}/parties/user/${session.handle}?device=${encodeURIComponent(device.label)}`,
      { headers: { cookie: session.cookie, origin: server.origin }, handshakeTimeout: HTTP_TIMEOUT_MS },
    );
    const socket = new TabSocket(device, ws);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.kill();
        reject(new Error("no hello in 10 s"));
      }, HTTP_TIMEOUT_MS);
      ws.on("message", (data) => {
        let parsed: ReturnType<typeof ServerMessageSchema.safeParse>;
        try {
          parsed = ServerMessageSchema.safeParse(JSON.parse(String(data)));
        } catch {
          device.world.errorsFromServer.push(`not JSON: ${String(data).slice(0, 200)}`);
          return;
        }
        if (!parsed.success) {
          device.world.errorsFromServer.push(`invalid frame: ${String(data).slice(0, 200)}`);
          return;
        }
        const message = parsed.data;
        if (message.type === "hello") {
          clearTimeout(timer);
          socket.ready = true;
          resolve(socket);
          return;
        }
        socket.apply(message);
      });
      ws.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      ws.on("close", (code) => {
        clearTimeout(timer);
        const wasReady = socket.ready;
        socket.ready = false;
        if (!socket.ended && wasReady) device.lost(socket, `closed ${code}`);
        socket.ended = true;
        reject(new Error(`closed ${code} before hello`));
      });
    });
  }

  private apply(message: ServerMessage): void {
    if (this.ended) return;
    const world = this.device.world;
    world.lastFrameAt = Date.now();
    world.frames += 1;
    const watcher = this.device.principal.handle;
    const seen = (buddy: Buddy) =>
      world.viewsSeen.push({
        watcher,
        presentity: buddy.handle,
        at: Date.now(),
        state: buddy.state,
        view: canonicalJson(buddy.view ?? null),
      });
    // safe-lookup: a tab follows only the buddy list here; every other frame falls to the default.
    switch (message.type) {
      case "buddies":
        this.buddies.clear();
        for (const buddy of message.buddies) {
          this.buddies.set(buddy.handle, buddy);
          seen(buddy);
        }
        break;
      case "buddy.updated":
        this.buddies.set(message.buddy.handle, message.buddy);
        seen(message.buddy);
        break;
      case "buddy.removed":
        this.buddies.delete(message.handle);
        break;
      case "error":
        if (message.code !== "rate_limited") world.errorsFromServer.push(`${watcher}: ${message.message}`);
        break;
      default:
        // Everything else (acknowledgements, presence, watchers) is the device's or not followed.
        break;
    }
    this.device.received(message);
  }

  send(message: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  /** Stops reading (a slow client): the server's frames pile up in the kernel's buffers. */
  stall(): void {
    (this.ws as unknown as { _socket?: { pause(): void } })._socket?.pause();
  }

  resume(): void {
    (this.ws as unknown as { _socket?: { resume(): void } })._socket?.resume();
  }

  /** Drops the connection without a closing handshake (a network cut, a killed browser). */
  kill(): void {
    this.ended = true;
    this.ready = false;
    this.ws.terminate();
  }

  /** Gone silently: no close frame, never read again; the server learns when TCP gives up or we go. */
  disappear(): void {
    this.ended = true;
    this.ready = false;
    this.stall();
  }

  closeGently(): void {
    this.ended = true;
    this.ready = false;
    this.ws.close();
  }
}

/** A principal: their session, devices and what they know of their own settings. */
export class Principal {
  readonly devices: Device[] = [];
  /** Message ids this principal deleted from their own history. */
  readonly deleted = new Set<string>();
  private sent = 0;

  constructor(
    readonly world: World,
    readonly session: Session,
    readonly rng: Prng,
  ) {}

  get handle(): string {
    return this.session.handle;
  }

  nextMessageId(): string {
    this.sent += 1;
    return `m${this.sent}_${this.handle}`.slice(0, 64);
  }

  /** A request to this principal's own room, as this principal; status 0 when it never answered. */
  async http(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const world = this.world;
    if (!world.server.up()) return { status: 0, body: "server down" };
    try {
      const response = await fetch(`${world.server.origin}/parties/user/${this.handle}${path}`, {
        method,
        headers: {
          cookie: this.session.cookie,
          origin: world.server.origin,
          "content-type": "application/json",
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: kept as text
      }
      return { status: response.status, body: parsed };
    } catch (error) {
      return { status: 0, body: String((error as Error).cause ?? error) };
    }
  }
}

/** JSON with sorted keys, so two views compare by content. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
