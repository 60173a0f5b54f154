import { chromium } from "@playwright/test";
import type { TestServer } from "../../apps/server/test/harness/server.ts";
import { chromiumLaunchOptions } from "../../scripts/chromium.mjs";
import { bundleSize } from "./bundle-size.ts";
import { createPrincipals, subscribe } from "./population.ts";

/** JavaScript gzipped: the first screen's (the budget) and all of it; CSS; time to the first buddy. */
export type AppLoadResult = {
  jsGzipKiB: number;
  allJsGzipKiB: number;
  cssGzipKiB: number;
  buddyListMs: number | null;
};

/** The SPA's size, and the time from navigation to the first buddy rendered in headless Chromium. */
export async function appLoad(server: TestServer, runs: number): Promise<AppLoadResult> {
  const [me, buddy] = await createPrincipals(server, 2, "app");
  if (!me || !buddy) throw new Error("no principals");
  await subscribe(server, me, buddy);
  const browser = await chromium.launch(chromiumLaunchOptions);
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      const [name, value] = me.cookie.split("=") as [string, string];
      await context.addCookies([{ name, value, url: server.origin, httpOnly: true, sameSite: "Strict" }]);
      await context.addInitScript((handle) => localStorage.setItem("pim.handle", handle), me.handle);
      const page = await context.newPage();
      const startedAt = Date.now();
      await page.goto(`${server.origin}/`);
      await page
        .getByRole("listbox", { name: "People" })
        .getByRole("option")
        .first()
        .waitFor({ timeout: 15_000 });
      times.push(Date.now() - startedAt);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  times.sort((a, b) => a - b);
  const size = bundleSize();
  return {
    jsGzipKiB: size.firstScreenKiB,
    allJsGzipKiB: size.allKiB,
    cssGzipKiB: size.cssKiB,
    buddyListMs: times[Math.floor(times.length / 2)] ?? null,
  };
}
