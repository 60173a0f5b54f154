// Renders docs/screenshot.png for the README: a real server, two principals, a live buddy list.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "@playwright/test";

const root = join(import.meta.dirname, "..");
const port = Number(process.env.SCREENSHOT_PORT ?? 4390);
const origin = `http://127.0.0.1:${port}`;
const storage = mkdtempSync(join(tmpdir(), "pim-shot-"));
const server = spawn(
  join(root, "node_modules/.bin/partykit"),
  [
    "dev",
    "--port",
    String(port),
    "--persist",
    storage,
    "--disable-request-cf-fetch",
    "--var",
    `SESSION_SECRET=${randomBytes(32).toString("hex")}`,
  ],
  { cwd: root, detached: true, stdio: "ignore" },
);

async function ready() {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${origin}/parties/main/health`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("server did not start");
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
  ],
});
try {
  await ready();
  const people = {};
  for (const name of ["maria", "jonas", "aiko", "sam"]) {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 640 },
      colorScheme: "light",
    });
    const page = await context.newPage();
    await page.goto(origin);
    await page.getByRole("button", { name: "Create an account" }).click();
    await page.getByLabel("Handle", { exact: true }).fill(name);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.getByText("Connected").waitFor();
    people[name] = page;
  }
  const me = people.maria;
  for (const name of ["jonas", "aiko", "sam"]) {
    await me.getByLabel("Buddy's handle").fill(name);
    await me.getByRole("button", { name: "Add buddy" }).click();
    await people[name].getByRole("button", { name: "Approve maria" }).click();
  }
  await people.jonas.getByLabel("Buddy's handle").fill("maria");
  await people.jonas.getByRole("button", { name: "Add buddy" }).click();
  await people.aiko.getByLabel("Availability").selectOption("busy");
  await people.aiko.getByLabel("Note").fill("in a meeting until 15:00");
  await people.aiko.getByRole("button", { name: "Set note" }).click();
  await people.jonas.getByLabel("Note").fill("☕ back in 10");
  await people.jonas.getByRole("button", { name: "Set note" }).click();
  await people.sam.context().close();
  await me.getByLabel("Note").fill("Writing the launch post");
  await me.getByRole("button", { name: "Set note" }).click();
  await me.getByRole("listitem", { name: "sam" }).getByText("Last seen").waitFor({ timeout: 20_000 });
  await me.screenshot({ path: join(root, "docs/screenshot.png") });
  console.log("wrote docs/screenshot.png");

  // A conversation: Jonas writes, Maria answers (docs/messages.png).
  const say = async (page, to, text) => {
    await page.getByLabel(`Message to ${to}`).fill(text);
    await page.getByRole("button", { name: "Send" }).click();
  };
  await people.jonas.goto(`${origin}/#/messages/maria`);
  await say(people.jonas, "maria", "Are we still on for the launch review at 4?");
  await say(people.jonas, "maria", "Draft is here: https://example.com/launch-draft");
  await me.goto(`${origin}/#/messages/jonas`);
  await me.getByText("Draft is here").first().waitFor();
  await say(me, "jonas", "Yes! Reading it now.");
  await people.jonas.getByText("Reading it now").first().waitFor();
  await me.getByText("Read", { exact: true }).first().waitFor();
  await me.screenshot({ path: join(root, "docs/messages.png") });
  console.log("wrote docs/messages.png");

  // Privacy: who watched Maria, and her rules (docs/privacy.png).
  for (let i = 0; i < 5; i++) await people.aiko.request.get(`${origin}/parties/user/aiko/presence/maria`);
  await me.goto(`${origin}/#/privacy`);
  await me.getByRole("table", { name: "Watchers" }).getByText("Poller").waitFor();
  await me.setViewportSize({ width: 1100, height: 900 });
  await me.screenshot({ path: join(root, "docs/privacy.png") });
  console.log("wrote docs/privacy.png");
} finally {
  await browser.close();
  process.kill(-server.pid, "SIGTERM");
  rmSync(storage, { recursive: true, force: true });
}
