/**
 * Follows `partykit dev`'s output for builds: each launch builds once; any further build means
 * source files changed under a running benchmark (another editor, a `git pull`), and the figures
 * after it measure other code. `onRebuild` is told once per kind.
 */
export function rebuildWatch(onRebuild: (kind: "rebuilt" | "build failed") => void) {
  let expected = 0;
  let builds = 0;
  let partial = "";
  const told = new Set<string>();
  const tell = (kind: "rebuilt" | "build failed") => {
    if (told.has(kind)) return;
    told.add(kind);
    onRebuild(kind);
  };
  return {
    /** Call before each (re)launch of the server: its first build is the expected one. */
    expectLaunch(): void {
      expected = builds + 1;
    },
    /** partykit dev's output, in chunks as they come (pass as `onOutput`). */
    onOutput(text: string): void {
      const lines = (partial + text).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (line.includes("Build succeeded")) {
          builds++;
          if (builds > expected) tell("rebuilt");
        } else if (line.includes("✘ [ERROR]") && builds >= expected && expected > 0) {
          // esbuild's error after a good build: a changed file no longer compiles.
          tell("build failed");
        }
      }
    },
  };
}
