import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const TSX = join(ROOT, "node_modules/.bin/tsx");

// Keeps the harness from rotting: a tiny run must finish and write well-formed results.
it("npm run bench --smoke runs every stage and writes well-formed results", () => {
  const out = mkdtempSync(join(tmpdir(), "pim-bench-"));
  try {
    const run = spawnSync(TSX, ["bench/run.ts", "--smoke", "--out", out], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 240_000,
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(out, "smoke.json"), "utf8"));
    expect(results).toMatchObject({ complete: true, cores: expect.any(Number) });
    expect(results.baseline.count).toBeGreaterThan(0);
    // Bare floors: HTTP and socket fan-out per size, relay with and without a storage write.
    expect(results.bare.fanout.map((f: { via: string }) => f.via)).toEqual(["http", "socket"]);
    expect(results.bare.fanout[0].latency.count).toBeGreaterThan(0);
    expect(results.bare.relay[0].received).toBe(results.bare.relay[0].sent);
    expect(results.bare.relayStored[0].received).toBe(results.bare.relayStored[0].sent);
    expect(results.fanout[0].latency.count).toBeGreaterThan(0);
    const [messages] = results.messages.rates;
    expect(messages.latency.count).toBeGreaterThan(0);
    expect(messages.acknowledged).toBe(messages.sent);
    expect(results.storm.errors).toBe(0);
    expect(results.connections.sockets).toBe(20);
    expect(results.connections.perConnectionWorkerdKiB).toEqual(expect.any(Number));
    expect(results.connectionsBare.sockets).toBe(20);
    // What the first screen loaded in Chromium holds at least index.html's static imports.
    expect(results.app.staticJsGzipKiB).toBeGreaterThan(0);
    expect(results.app.jsGzipKiB).toBeGreaterThanOrEqual(results.app.staticJsGzipKiB);
    expect(results.app.repeatBuddyListMs).toBeGreaterThan(0);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 300_000);
