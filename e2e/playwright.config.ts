import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { defineConfig } from "@playwright/test";
import { LIFTED_SIGN_UP_LIMIT, SHORT_WAITS } from "../apps/server/test/harness/server.ts";
import { chromiumLaunchOptions } from "../scripts/chromium.mjs";

const port = Number(process.env.E2E_PORT ?? 4310);
const root = resolve(import.meta.dirname, "..");
// Playwright evaluates this file again in every worker; the environment carries the main
// process's choices to them, so one run makes one storage folder and one key.
process.env.PIM_E2E_STORAGE ??= mkdtempSync(join(tmpdir(), "pim-e2e-"));
process.env.PIM_E2E_SECRET ??= randomBytes(32).toString("hex");
const storage = process.env.PIM_E2E_STORAGE;
const secret = process.env.PIM_E2E_SECRET;

/** E2E: the built SPA and the rooms on one origin, a real partykit dev, Debian's Chromium. */
export default defineConfig({
  testDir: "specs",
  // Beside the repo's other git-ignored output, outside the folders Biome checks.
  outputDir: join(root, "test-results"),
  fullyParallel: false,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: "list",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        browserName: "chromium",
        launchOptions: chromiumLaunchOptions,
      },
    },
  ],
  webServer: {
    command: [
      join(root, "node_modules/.bin/partykit"),
      "dev",
      "--port",
      String(port),
      "--persist",
      storage,
      "--disable-request-cf-fetch",
      "--no-hotkeys",
      "--var",
      `SESSION_SECRET=${secret}`,
      "--var",
      // Short locks, so the lockout story waits two seconds, not a minute.
      "LOCKOUT_MS=2000",
      // A long conversation is typed in a few seconds (timeline.spec.ts): no sender, inbox or
      // socket frame limit (integration tests keep the deployed frame limit and prove it).
      "--var",
      "FRAME_RATE_PER_MINUTE=100000",
      "--var",
      "FRAME_RATE_BURST=1000",
      "--var",
      "SENDER_RATE_PER_MINUTE=100000",
      "--var",
      "SENDER_RATE_BURST=1000",
      "--var",
      "INBOX_RATE_PER_MINUTE=100000",
      "--var",
      "INBOX_RATE_BURST=1000",
      // The integration tests' short waits: a closed last tab is Offline after a second, not five,
      // and a change right after another reaches buddies a quarter second later, not a second.
      "--var",
      `PRESENCE_GRACE_MS=${SHORT_WAITS.graceMs}`,
      "--var",
      `VIEW_WRITE_DELAY_MS=${SHORT_WAITS.viewWriteDelayMs}`,
      "--var",
      `COALESCE_WINDOW_MS=${SHORT_WAITS.coalesceWindowMs}`,
      "--var",
      `CHANNEL_IDLE_MS=${SHORT_WAITS.channelIdleMs}`,
      // Every person here signs up from one address (localhost): no sign-up limit.
      ...Object.entries(LIFTED_SIGN_UP_LIMIT).flatMap(([name, value]) => ["--var", `${name}=${value}`]),
    ].join(" "),
    cwd: root,
    url: `http://127.0.0.1:${port}/parties/main/health`,
    reuseExistingServer: false,
    timeout: 90_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
