import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const TSX = join(ROOT, "node_modules/.bin/tsx");

// A short chaos run with a fixed seed: a crash, dropped and vanished clients, a reconnect storm,
// then every invariant, with none violated.
it("npm run chaos: 30 s, fixed seed, a few principals, no invariant violated", () => {
  const run = spawnSync(
    TSX,
    [
      "bench/chaos/run.ts",
      "--minutes",
      "0.5",
      "--principals",
      "6",
      "--seed",
      "12",
      "--kill-every",
      "12",
      "--drop-rate",
      "0.1",
    ],
    { cwd: ROOT, encoding: "utf8", timeout: 240_000 },
  );
  const output = run.stdout + run.stderr;
  const line = /^RESULT (.*)$/m.exec(run.stdout)?.[1];
  expect(line, output).toBeDefined();
  const result = JSON.parse(line as string);
  expect(result.violations, output).toBe(0);
  expect(run.status, output).toBe(0);
  expect(result["messages written"]).toBeGreaterThan(10);
  expect(result["faults: server SIGKILL + restart"]).toBeGreaterThanOrEqual(1);
  expect(result["messages lost"]).toBe(0);
  expect(result["messages duplicated"]).toBe(0);
}, 300_000);
