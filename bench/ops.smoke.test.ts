import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { readOps } from "./scale/files.ts";

const ROOT = join(import.meta.dirname, "..");
const TSX = join(ROOT, "node_modules/.bin/tsx");

// The rooms' meters against the real service: what each operation is known to do must be counted.
it("npm run bench --only ops counts each operation's requests, frames and writes", () => {
  const out = mkdtempSync(join(tmpdir(), "pim-ops-"));
  try {
    const run = spawnSync(TSX, ["bench/run.ts", "--only", "ops", "--smoke", "--out", out], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 290_000,
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const ops = readOps(join(out, "ops-smoke.json"));
    expect(ops.buddies).toEqual([1, 2]);
    const at = (op: keyof typeof ops.measured, buddies: number) =>
      new Map(Object.entries(ops.measured[op])).get(String(buddies));
    for (const buddies of [1, 2]) {
      // A sign-in is one HTTP request into the principal's room, which writes its new session.
      expect(at("signIn", buddies)).toMatchObject({ requests: 1, framesIn: 0 });
      expect(at("signIn", buddies)?.writeUnits).toBeGreaterThanOrEqual(1);
      // Opening a tab: the upgrade plus one refresh call per buddy, one channel frame per subscriber.
      expect(at("tabOpen", buddies)).toMatchObject({ requests: 1 + buddies, framesIn: buddies });
      // A presence change: the HTTP request, then one channel frame to each subscriber's room.
      expect(at("presenceChange", buddies)).toMatchObject({ requests: 1, framesIn: buddies });
      // ...and each subscriber's room writes the view it was told (in a batch, seconds later).
      expect(at("presenceChange", buddies)?.writeUnits).toBeGreaterThanOrEqual(buddies);
      // A message: the sender's frame in, one call to the recipient's room, stored in both rooms.
      expect(at("messageSend", buddies)).toMatchObject({ requests: 1, framesIn: 1, roomToRoom: 1 });
      expect(at("messageSend", buddies)?.writeUnits).toBeGreaterThanOrEqual(2);
      // Typing: the frame in, one call to the peer's room.
      expect(at("typing", buddies)).toMatchObject({ requests: 1, framesIn: 1, roomToRoom: 1 });
    }
    expect(ops.lines.presenceChange.perBuddy.framesIn).toBeCloseTo(1);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 320_000); // about 70 s: each presence operation waits for the batched view writes (short ones here)
