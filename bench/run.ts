// `npm run bench`: measures the real service (partykit dev on the built code, fresh storage) from
// a separate process over real sockets, and reports each figure beside a same-run baseline.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startServer, type TestServer } from "../apps/server/test/harness/server.ts";
import { type BenchResults, toMarkdown, updateReadme } from "./report.ts";
import { appLoad } from "./scenarios/app-load.ts";
import { baseline } from "./scenarios/baseline.ts";
import { connections } from "./scenarios/connections.ts";
import { fanout } from "./scenarios/fanout.ts";
import { messages } from "./scenarios/messages.ts";
import { storm } from "./scenarios/storm.ts";

const USAGE = `usage: npm run bench -- [options]
  --subscribers 100,500,1000  fan-out sizes (subscribers of one presentity)
  --users N                   principals in the presence storm (default 100; 20 buddies each)
  --sockets N                 idle authenticated sockets for the memory figure (default 2000)
  --duration S                seconds per sustained stage (default 5)
  --rates 100,300,500,1000    message rates (messages a second) for the instant-message stage
  --im-users N                principals the messages are spread over (default 200)
  --only messages,fanout,...  run only these stages (of messages, fanout, storm, connections, app;
                              the baseline always runs); the README is then left as it is
  --smoke                     a few seconds at tiny sizes (what npm test runs)
  --out DIR                   where results go (default bench/results)
  --no-readme                 do not update the README table`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    fail(`--${name} takes a positive whole number, not ${JSON.stringify(value)}`);
  return n;
}

let parsed: ReturnType<typeof parseArgs>;
try {
  parsed = parseArgs({
    options: {
      subscribers: { type: "string" },
      users: { type: "string" },
      sockets: { type: "string" },
      duration: { type: "string" },
      rates: { type: "string" },
      "im-users": { type: "string" },
      smoke: { type: "boolean" },
      only: { type: "string" },
      out: { type: "string" },
      "no-readme": { type: "boolean" },
      help: { type: "boolean" },
    },
    strict: true,
    allowPositionals: false,
  });
} catch (error) {
  fail((error as Error).message);
}
const values = parsed.values as Record<string, string | boolean | undefined>;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const smoke = values.smoke === true;
const subscriberSizes = (
  typeof values.subscribers === "string" ? values.subscribers : smoke ? "10" : "100,500,1000"
)
  .split(",")
  .map((s) => positiveInt("subscribers", s.trim(), 0));
const users = positiveInt("users", values.users as string | undefined, smoke ? 6 : 100);
const sockets = positiveInt("sockets", values.sockets as string | undefined, smoke ? 20 : 2000);
const duration = positiveInt("duration", values.duration as string | undefined, smoke ? 1 : 5);
const messageRates = (typeof values.rates === "string" ? values.rates : smoke ? "20" : "100,300,500,1000")
  .split(",")
  .map((s) => positiveInt("rates", s.trim(), 0));
const imUsers = positiveInt("im-users", values["im-users"] as string | undefined, smoke ? 10 : 200);
const STAGES = ["messages", "fanout", "storm", "connections", "app"] as const;
const only =
  typeof values.only === "string"
    ? values.only.split(",").map((name) => {
        const stageName = name.trim();
        if (!(STAGES as readonly string[]).includes(stageName))
          fail(`--only: no stage called ${JSON.stringify(stageName)}`);
        return stageName;
      })
    : [...STAGES];
const runs = (name: (typeof STAGES)[number]) => only.includes(name);
const outDir = typeof values.out === "string" ? values.out : join(import.meta.dirname, "results");

const results: BenchResults = {
  date: new Date().toISOString(),
  cores: cpus().length,
  node: process.versions.node,
  options: { smoke, subscriberSizes, users, sockets, duration, messageRates, imUsers },
  notes: [],
  complete: false,
};

let server: TestServer | undefined;
let lost = false;

function save(): void {
  mkdirSync(outDir, { recursive: true });
  const stamp = results.date.replaceAll(":", "-").replace(/\..*$/, "");
  const json = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(join(outDir, smoke ? "smoke.json" : `${stamp}.json`), json);
  const markdown = toMarkdown(results);
  if (!smoke) {
    writeFileSync(join(outDir, "latest.json"), json);
    writeFileSync(join(outDir, "latest.md"), `${markdown}\n`);
    if (!values["no-readme"] && only.length === STAGES.length)
      updateReadme(join(import.meta.dirname, "../README.md"), markdown);
  }
  console.log(`\n${markdown}\n\nresults: ${outDir}`);
}

async function shutdown(code: number): Promise<never> {
  await server?.dispose().catch(() => undefined);
  process.exit(code);
}

process.on("SIGINT", () => {
  results.notes.push("Interrupted (Ctrl-C): figures are what was measured until then.");
  save();
  void shutdown(130);
});

/** Runs one stage, failing fast (rather than hanging) if the server process goes away. */
async function stage<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  process.stdout.write(`▶ ${name} … `);
  let watch: ReturnType<typeof setInterval> | undefined;
  const serverLost = new Promise<never>((_, reject) => {
    watch = setInterval(() => {
      try {
        process.kill(server?.pid ?? 0, 0);
      } catch {
        lost = true;
        reject(new Error("the server process went away"));
      }
    }, 500);
  });
  try {
    const value = await Promise.race([run(), serverLost]);
    console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return value;
  } finally {
    clearInterval(watch);
  }
}

try {
  server = await stage("starting partykit dev (fresh storage)", () =>
    startServer({
      config: "bench/partykit.bench.json",
      // The load generator is one client sending for 200 people: rate limits would measure themselves.
      vars: {
        LOCKOUT_MS: "60000",
        SENDER_RATE_PER_MINUTE: "1000000",
        SENDER_RATE_BURST: "100000",
        INBOX_RATE_PER_MINUTE: "1000000",
        INBOX_RATE_BURST: "100000",
      },
    }),
  );
  results.baseline = await stage("baseline: echo through a bare room", () =>
    baseline(server as TestServer, smoke ? 50 : 1000),
  );
  if (runs("messages")) {
    results.messages = await stage(
      `instant messages over ${imUsers} users at ${messageRates.join(", ")} a second`,
      () => messages(server as TestServer, imUsers, messageRates, duration),
    );
  }
  if (runs("fanout")) {
    results.fanout = [];
    for (const size of subscriberSizes) {
      results.fanout.push(
        await stage(`presence fan-out to ${size} subscribers`, () =>
          fanout(server as TestServer, size, smoke ? 2 : duration, String(size)),
        ),
      );
    }
  }
  if (runs("storm")) {
    results.storm = await stage(
      `presence storm: ${users} principals × ${Math.min(20, users - 1)} buddies`,
      () => storm(server as TestServer, users, Math.min(20, users - 1), smoke ? 500 : 3_000),
    );
  }
  if (runs("connections")) {
    // A fresh server process on the same storage, so earlier stages' rooms do not count here.
    await stage("restarting the server for the memory figure", async () => {
      await server?.stop();
      await server?.restart();
    });
    results.connections = await stage(`${sockets} idle authenticated sockets`, () =>
      connections(server as TestServer, sockets),
    );
  }
  if (runs("app")) {
    results.app = await stage("the app in headless Chromium", () =>
      appLoad(server as TestServer, smoke ? 1 : 5),
    );
  }
  results.complete = true;
  save();
  await shutdown(0);
} catch (error) {
  console.log("failed");
  results.notes.push(`Stopped early: ${(error as Error).message}${lost ? " (server lost)" : ""}.`);
  console.error(error);
  save();
  await shutdown(1);
}
