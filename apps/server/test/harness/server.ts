import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { type Dirent, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

const REPO = resolve(import.meta.dirname, "../../../..");
const PARTYKIT = join(REPO, "node_modules/.bin/partykit");

/** A real `partykit dev` (workerd) on a free port, with durable storage in its own folder. */
export type TestServer = {
  /** The partykit CLI's process id (workerd runs in its process group). */
  readonly pid: number | undefined;
  url: string;
  origin: string;
  port: number;
  persistDir: string;
  /** Stops the server gracefully (SIGTERM) or as a crash (SIGKILL). */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
  /** Starts it again on the same port and storage. */
  restart(): Promise<void>;
  /** Stops it and deletes its storage. */
  dispose(): Promise<void>;
};

export type ServerOptions = {
  vars?: Record<string, string>;
  persistDir?: string;
  /** Another partykit.json (the benchmarks add a bare echo party for their baseline). */
  config?: string;
  /** Where partykit dev's output goes as well (the benchmarks show it on failure). */
  onOutput?: (text: string) => void;
  /**
   * "short" (the default, for tests): the waits of SHORT_WAITS. "production": the deployed
   * waits, for the benchmarks and the chaos run, which measure and stress the real thing.
   */
  waits?: "short" | "production";
};

/**
 * Ports picked for test servers: below Linux's ephemeral range (32768-60999), from which every
 * outgoing connection takes its local port. A port the OS handed out as free could be taken by
 * such a connection while partykit dev is still building (seen with two files at once).
 */
const SERVER_PORTS = { from: 20_000, to: 32_000 };

/** Whether a port can be listened on now, on every address (as partykit dev listens). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolvePort(false));
    server.listen(port, () => server.close(() => resolvePort(true)));
  });
}

/** A port free now, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = SERVER_PORTS.from + Math.floor(Math.random() * (SERVER_PORTS.to - SERVER_PORTS.from));
    if (await portFree(port)) return port;
  }
  throw new Error(`no free port between ${SERVER_PORTS.from} and ${SERVER_PORTS.to}`);
}

/** partykit dev's words when its port was taken after all (it then hangs rather than exit). */
const PORT_TAKEN = "Address already in use";

/**
 * The waits a test server runs with (partykit vars read by apps/server/src/config.ts), shorter
 * than production's 5 s, so tests that wait for them wait a second, not five. Tests read them
 * from here, never as literals.
 */
export const SHORT_WAITS = {
  /** After the last tab closes, the presentity turns CLOSED this long later. */
  graceMs: 1_000,
  /** A subscriber's room writes a buddy's new view this long after it arrives. */
  viewWriteDelayMs: 500,
  /** After a notification to a subscriber, further presence changes wait this long (1 s deployed). */
  coalesceWindowMs: 250,
  /**
   * A room-to-room channel unused this long is closed (production: 30 s), so tests also cover
   * notifications on channels opened again after being closed idle.
   */
  channelIdleMs: 1_000,
} as const;

class PortTaken extends Error {
  constructor(output: string) {
    super(`partykit dev found its port taken:\n${output}`);
  }
}

/** Sign-ups from one address without limit, for tests and benchmarks that make many principals. */
export const LIFTED_SIGN_UP_LIMIT = { SIGN_UPS_PER_HOUR: "100000000", SIGN_UPS_BURST: "1000000" };

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  let port = await freePort();
  const persistDir = options.persistDir ?? mkdtempSync(join(tmpdir(), "pim-test-"));
  const vars = {
    SESSION_SECRET: randomBytes(32).toString("hex"),
    LOCKOUT_MS: "1500",
    // Every test signs up from one address (local partykit dev has none): lift the sign-up limit.
    ...LIFTED_SIGN_UP_LIMIT,
    ...(options.waits === "production"
      ? {}
      : {
          PRESENCE_GRACE_MS: String(SHORT_WAITS.graceMs),
          VIEW_WRITE_DELAY_MS: String(SHORT_WAITS.viewWriteDelayMs),
          COALESCE_WINDOW_MS: String(SHORT_WAITS.coalesceWindowMs),
          CHANNEL_IDLE_MS: String(SHORT_WAITS.channelIdleMs),
        }),
    ...options.vars,
  };
  let origin = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = "";

  // partykit dev refuses to start without the folder it serves; the SPA may not be built yet.
  mkdirSync(join(REPO, "apps/web/dist"), { recursive: true });

  async function launch(): Promise<void> {
    const args = ["dev", "--port", String(port), "--persist", persistDir, "--disable-request-cf-fetch"];
    for (const [key, value] of Object.entries(vars)) args.push("--var", `${key}=${value}`);
    if (options.config) args.push("--config", options.config);
    // Own process group, so stopping it also stops the workerd it starts.
    child = spawn(PARTYKIT, args, { cwd: REPO, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    output = "";
    const collect = (chunk: Buffer) => {
      output = (output + chunk).slice(-20_000);
      options.onOutput?.(String(chunk));
      if (process.env.PIM_SERVER_LOG) process.stderr.write(chunk);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`partykit dev exited early:\n${output}`);
      if (output.includes(PORT_TAKEN)) throw new PortTaken(output);
      try {
        const response = await fetch(`${origin}/parties/main/health`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`partykit dev did not become ready in 60 s:\n${output}`);
  }

  async function stop(signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
    const running = child;
    if (!running?.pid || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((r) => running.once("exit", () => r()));
    try {
      process.kill(-running.pid, signal);
    } catch {
      return;
    }
    const timeout = setTimeout(() => {
      try {
        process.kill(-(running.pid as number), "SIGKILL");
      } catch {
        // already gone
      }
    }, 5_000);
    await exited;
    clearTimeout(timeout);
    // workerd may outlive the CLI (it was seen serving on, orphaned, after a run): wait for the
    // whole process group to end, and kill what is left of it after a few seconds.
    const group = -running.pid;
    const groupAlive = () => {
      try {
        process.kill(group, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 60 && groupAlive(); i++) {
      if (i === 30) {
        try {
          process.kill(group, "SIGKILL");
        } catch {
          // it ended just now
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  // Someone took the port between the check and partykit dev's listen: stop it, take another.
  // (Only on the first start: a restart keeps its port, which the tests already hold.)
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (error) {
      await stop("SIGKILL");
      if (!(error instanceof PortTaken) || attempt === 3) throw error;
      port = await freePort();
      origin = `http://127.0.0.1:${port}`;
    }
  }
  return {
    get pid() {
      return child?.pid;
    },
    url: origin,
    origin,
    port,
    persistDir,
    stop,
    restart: launch,
    async dispose() {
      await stop();
      if (!options.persistDir) rmSync(persistDir, { recursive: true, force: true });
    },
  };
}

/**
 * The rooms that hold anything in a server's storage folder (relative paths of their databases,
 * sorted). Local workerd creates an empty database for any room a request reaches, even one that
 * only reads; what counts is a stored key (and an alarm is only ever armed after one).
 */
export function storedFiles(server: TestServer): string[] {
  return roomDatabases(server)
    .filter((path) => countRows(path, "SELECT count(*) FROM _cf_KV") > 0)
    .map((path) => relative(server.persistDir, path))
    .sort();
}

/**
 * Whether some room's database on disk holds `key` with `text` in its value: for waiting until a
 * write the room makes later (not before it answers) has landed. Values are V8-serialized; a
 * one-byte string is stored as its Latin-1 bytes, so plain ASCII text is found as it is.
 */
export function storedValueContains(server: TestServer, key: string, text: string): boolean {
  const needle = Buffer.from(text, "latin1").toString("hex").toUpperCase();
  const sql = `SELECT count(*) FROM _cf_KV WHERE key = '${key.replaceAll("'", "''")}' AND instr(hex(value), '${needle}') > 0`;
  return roomDatabases(server).some((database) => countRows(database, sql) > 0);
}

/** Every room's database under a server's storage folder. */
function roomDatabases(server: TestServer): string[] {
  return (readdirSync(server.persistDir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((entry) => entry.isFile() && entry.name.endsWith(".sqlite"))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

/** A count query on a room's database, read with the sqlite3 shell (scripts/ensure-test-tools.mjs). */
function countRows(database: string, sql: string): number {
  const result = spawnSync("sqlite3", ["-readonly", database, sql], { encoding: "utf8" });
  if (result.error) throw new Error(`sqlite3 is needed to read room storage: ${result.error.message}`);
  // A database created but never given its table holds nothing.
  if (result.status !== 0) return 0;
  return Number(result.stdout.trim());
}
