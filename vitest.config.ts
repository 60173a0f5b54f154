import { relative } from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The integration files that take longest (each runs a whole tool or many server restarts: 45 to
 * 90 s under load), in that order. Vitest starts the files it has no timings for (a fresh clone)
 * largest first; these are small files, so they came last and one worker ran them alone at the
 * end. Started first, the shorter files fill in around them on the other worker.
 */
const LONGEST_FIRST = [
  "bench/ops.smoke.test.ts",
  "bench/bench.smoke.test.ts",
  "apps/server/test/fuzz.test.ts",
  "apps/server/test/restart.test.ts",
  "bench/chaos.smoke.test.ts",
];

/** Vitest's order (projects apart; longer or larger files first), with LONGEST_FIRST ahead. */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const projects = [...new Set(sorted.map((file) => file.project.name))];
    const rank = (file: TestSpecification) => {
      const at = LONGEST_FIRST.indexOf(relative(this.ctx.config.root, file.moduleId));
      return at === -1 ? LONGEST_FIRST.length : at;
    };
    // Stable: files outside the list keep vitest's order among themselves.
    return sorted.sort(
      (a, b) => projects.indexOf(a.project.name) - projects.indexOf(b.project.name) || rank(a) - rank(b),
    );
  }
}

export default defineConfig({
  test: {
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "packages/*/src/**/*.test.ts",
            "apps/*/src/**/*.test.{ts,tsx}",
            "apps/web/*.test.ts",
            "bench/**/*.test.ts",
            "scripts/*.test.ts",
          ],
          exclude: ["**/*.smoke.test.ts", "**/node_modules/**"],
          environment: "node",
        },
      },
      {
        test: {
          name: "integration",
          include: ["apps/server/test/**/*.test.ts", "bench/*.smoke.test.ts"],
          setupFiles: ["apps/server/test/harness/fetch-retry.ts"],
          // Each file starts its own `partykit dev` (its own port and storage folder), and most of
          // a file's time is waiting on its server or a timer: two files run at once.
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
