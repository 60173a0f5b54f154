import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
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
          // Each file starts its own `partykit dev`; two cores run them one at a time.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
