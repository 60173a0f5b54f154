// Renders the README's screenshots from a real server: desktop and phone, light and dark, and a
// settings page. Run after `npm run build`: `node scripts/screenshot.mjs`.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "@playwright/test";
import { chromiumLaunchOptions } from "./chromium.mjs";

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

const browser = await chromium.launch(chromiumLaunchOptions);
try {
  await ready();
  const people = {};
  const signUp = async (name) => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 720 } });
    const page = await context.newPage();
    await page.goto(origin);
    await page.getByRole("button", { name: "Create an account" }).click();
    await page.getByLabel("Handle", { exact: true }).fill(name);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.getByText("Connected").waitFor();
    return page;
  };
  for (const name of ["maria", "jonas", "aiko", "sam", "lena"]) people[name] = await signUp(name);
  const me = people.maria;
  const statusMenu = async (page, change) => {
    await page.getByRole("button", { name: /^Signed in as/ }).click();
    await change(page.getByRole("dialog", { name: "Your status" }));
    await page.keyboard.press("Escape");
  };
  const setNote = (page, note) =>
    statusMenu(page, async (menu) => {
      await menu.getByLabel("Note").fill(note);
      await menu.getByRole("button", { name: "Set note" }).click();
      await menu.getByText("Note set.").waitFor();
    });
  const search = (page) => page.getByLabel("Search people, or type a handle to add");
  for (const name of ["jonas", "aiko", "sam"]) {
    await search(me).fill(name);
    await me.getByRole("button", { name: `Add ${name} as a buddy` }).click();
    await people[name].getByRole("link", { name: /asks? to see your presence/ }).click();
    await people[name].getByRole("button", { name: "Approve maria" }).click();
  }
  await search(people.lena).fill("maria");
  await people.lena.getByRole("button", { name: "Add maria as a buddy" }).click();
  await statusMenu(people.aiko, (menu) => menu.getByLabel("Availability").selectOption("busy"));
  await setNote(people.aiko, "in a meeting until 15:00");
  await setNote(people.jonas, "☕ back in 10");
  await people.sam.context().close();
  await setNote(me, "Writing the launch post");

  // A conversation: Jonas writes, Maria answers.
  const say = async (page, to, text) => {
    await page.getByLabel(`Message to ${to}`).fill(text);
    await page.getByLabel(`Message to ${to}`).press("Enter");
  };
  await people.jonas.goto(`${origin}/chat/maria`);
  await say(people.jonas, "maria", "Are we still on for the launch review at 4?");
  await say(people.jonas, "maria", "Draft is here: https://example.com/launch-draft");
  await me.goto(`${origin}/chat/jonas`);
  await me.getByText("Draft is here").first().waitFor();
  await say(me, "jonas", "Yes! Reading it now.");
  await say(me, "jonas", "Looks great so far, two small comments inline.");
  await people.jonas.getByText("two small comments").first().waitFor();
  await me
    .getByRole("option", { name: /^sam\s/ })
    .getByText(/Last seen/)
    .waitFor({ timeout: 20_000 });

  for (const theme of ["light", "dark"]) {
    await me.emulateMedia({ colorScheme: theme });
    await me.setViewportSize({ width: 1200, height: 720 });
    await me.goto(`${origin}/chat/jonas`);
    await me.getByRole("list", { name: "Messages" }).getByText("two small comments").waitFor();
    await me.getByRole("button", { name: "What jonas sees" }).click();
    await me.getByRole("dialog", { name: "Privacy for jonas" }).getByText("because of").waitFor();
    await me.waitForTimeout(300);
    await me.screenshot({ path: join(root, `docs/desktop-${theme}.png`) });
    console.log(`wrote docs/desktop-${theme}.png`);
    await me.keyboard.press("Escape");

    await me.setViewportSize({ width: 390, height: 780 });
    await me.goto(origin);
    await me.getByRole("listbox", { name: "People" }).waitFor();
    await me.waitForTimeout(300);
    await me.screenshot({ path: join(root, `docs/phone-${theme}.png`) });
    console.log(`wrote docs/phone-${theme}.png`);
    await me.goto(`${origin}/chat/jonas`);
    await me.getByRole("list", { name: "Messages" }).getByText("two small comments").waitFor();
    await me.waitForTimeout(300);
    await me.screenshot({ path: join(root, `docs/phone-conversation-${theme}.png`) });
    console.log(`wrote docs/phone-conversation-${theme}.png`);
  }

  // Settings: who watched Maria (a poller, a request waiting).
  for (let i = 0; i < 5; i++) await people.aiko.request.get(`${origin}/parties/user/aiko/presence/maria`);
  await me.emulateMedia({ colorScheme: "light" });
  await me.setViewportSize({ width: 1200, height: 720 });
  await me.goto(`${origin}/settings/watchers`);
  await me.getByRole("table", { name: "Watchers" }).getByText("Poller").waitFor();
  await me.screenshot({ path: join(root, "docs/settings.png") });
  console.log("wrote docs/settings.png");
} finally {
  await browser.close();
  process.kill(-server.pid, "SIGTERM");
  rmSync(storage, { recursive: true, force: true });
}
