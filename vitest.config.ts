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
