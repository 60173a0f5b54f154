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
    expect(results.fanout[0].latency.count).toBeGreaterThan(0);
    const [messages] = results.messages.rates;
    expect(messages.latency.count).toBeGreaterThan(0);
    expect(messages.acknowledged).toBe(messages.sent);
    expect(results.storm.errors).toBe(0);
    expect(results.connections.sockets).toBe(20);
    expect(results.app.jsGzipKiB).toBeGreaterThan(0);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 300_000);

it("refuses invalid options with a usage message and a non-zero exit", () => {
  const run = spawnSync(TSX, ["bench/run.ts", "--users", "many"], { cwd: ROOT, encoding: "utf8" });
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(/usage: npm run bench/);
  const unknown = spawnSync(TSX, ["bench/run.ts", "--no-such-option"], { cwd: ROOT, encoding: "utf8" });
  expect(unknown.status).toBe(2);
});
