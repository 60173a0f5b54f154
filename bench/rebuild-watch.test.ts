import { describe, expect, it } from "vitest";
import { rebuildWatch } from "./rebuild-watch.ts";

// What partykit dev 0.0.115 prints, escape codes and all, cut into chunks at awkward places.
const CLEAR = "\u001b[2K\u001b[1A\u001b[2K\u001b[G";
const START = "🎈 PartyKit v0.0.115\n---------------------\nBuild succeeded, starting server...\n\n";
const READY = `${CLEAR}[pk:inf] Ready on http://0.0.0.0:45991\n\n`;
const REBUILT = `${CLEAR}Build succeeded, starting server...\n\n${CLEAR}[pk:inf] Updated and ready on http://0.0.0.0:45991\n`;
const FAILED = '✘ [ERROR] Unexpected ";"\n\n    server.ts:3:17:\n';

function run(chunks: string[]) {
  const told: string[] = [];
  const watch = rebuildWatch((kind) => told.push(kind));
  watch.expectLaunch();
  for (const chunk of chunks) {
    if (chunk === "restart") watch.expectLaunch();
    else watch.onOutput(chunk);
  }
  return told;
}

describe("rebuildWatch", () => {
  it("takes a launch's own build as expected", () => {
    expect(run([START, READY])).toEqual([]);
  });

  it("tells of a rebuild once, even when it comes in pieces or again", () => {
    const split = REBUILT.indexOf("succeeded");
    expect(run([START, READY, REBUILT.slice(0, split), REBUILT.slice(split), REBUILT])).toEqual(["rebuilt"]);
  });

  it("tells of a failed rebuild", () => {
    expect(run([START, READY, FAILED])).toEqual(["build failed"]);
  });

  it("takes a deliberate restart's build as expected", () => {
    expect(run([START, READY, "restart", START, READY])).toEqual([]);
  });
});
