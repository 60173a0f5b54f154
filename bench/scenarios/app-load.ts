import { chromium, type Page } from "@playwright/test";
import type { TestServer } from "../../apps/server/test/harness/server.ts";
import { chromiumLaunchOptions } from "../../scripts/chromium.mjs";
import { bundleSize, gzippedKiB } from "./bundle-size.ts";
import { createPrincipals, subscribe } from "./population.ts";

/**
 * JavaScript gzipped: what the first screen loaded in Chromium (the budget), what index.html's
 * static imports alone come to, and all of it; CSS. Times from navigation start to the first buddy
 * in the list, on a first visit (empty cache, no service worker) and on a repeat visit (the
 * service worker's shell, the persisted query cache), each with the wall clock around it.
 */
export type AppLoadResult = {
  /** The scripts the page had requested by the time the list showed its first buddy. */
  jsGzipKiB: number;
  /** index.html's module script and its static imports (what the build says the first screen needs). */
  staticJsGzipKiB: number;
  allJsGzipKiB: number;
  cssGzipKiB: number;
  /** First visit, median of the runs: navigation start to the first buddy, by the page's clock. */
  buddyListMs: number | null;
  /** From `page.goto` to the list seen, by the bench's clock: adds the browser's own start of the navigation and CDP. */
  buddyListWallMs: number | null;
  /** Repeat visit (same browser profile, its service worker in control), median of the runs. */
  repeatBuddyListMs: number | null;
  repeatBuddyListWallMs: number | null;
};

/**
 * A person one can open: a link of the first screen's plain list, or an option of the list box
 * that takes over when React Aria has loaded.
 */
const USABLE_PERSON =
  'ul[aria-label="People"] a[href], [role="listbox"][aria-label="People"] [role="option"]';

/**
 * Marks the moment the list shows its first person, on the page's own clock (navigation start = 0).
 * A string: tsx would wrap a function's inner functions in a helper the page does not have.
 */
const MARK_FIRST_BUDDY = `{
  const USABLE_PERSON = ${JSON.stringify(USABLE_PERSON)};
  const observer = new MutationObserver(() => {
    if (!document.querySelector(USABLE_PERSON)) return;
    performance.mark("pim:first-buddy");
    observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true });
}`;

type Visit = { pageMs: number; wallMs: number; scripts: string[] };

/** Navigates to the app and waits for the first buddy; the scripts requested until then. */
async function visit(page: Page, origin: string): Promise<Visit> {
  const startedAt = Date.now();
  // Waits for the list, not for the load event (the list may well come first).
  await page.goto(`${origin}/`, { waitUntil: "commit" });
  await page.locator(USABLE_PERSON).first().waitFor({ timeout: 15_000 });
  const wallMs = Date.now() - startedAt;
  const { pageMs, scripts } = await page.evaluate(() => {
    const mark = performance.getEntriesByName("pim:first-buddy")[0];
    if (!mark) throw new Error("the page marked no first buddy");
    const scripts = performance
      .getEntriesByType("resource")
      .filter((entry) => entry.startTime <= mark.startTime && new URL(entry.name).pathname.endsWith(".js"))
      .map((entry) => new URL(entry.name).pathname);
    return { pageMs: Math.round(mark.startTime), scripts };
  });
  return { pageMs, wallMs, scripts };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? (sorted[Math.floor(sorted.length / 2)] ?? null) : null;
};

/** The SPA's size, and the time to the first buddy on a first and on a repeat visit in Chromium. */
export async function appLoad(server: TestServer, runs: number): Promise<AppLoadResult> {
  const [me, buddy] = await createPrincipals(server, 2, "app");
  if (!me || !buddy) throw new Error("no principals");
  await subscribe(server, me, buddy);
  const browser = await chromium.launch(chromiumLaunchOptions);
  const first: Visit[] = [];
  const repeat: Visit[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      const [name, value] = me.cookie.split("=") as [string, string];
      await context.addCookies([{ name, value, url: server.origin, httpOnly: true, sameSite: "Strict" }]);
      await context.addInitScript((handle) => localStorage.setItem("pim.handle", handle), me.handle);
      await context.addInitScript({ content: MARK_FIRST_BUDDY });
      const page = await context.newPage();
      first.push(await visit(page, server.origin));
      // The service worker has precached the shell and controls the page; the list is persisted.
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
        if (!navigator.serviceWorker.controller)
          await new Promise((resolve) =>
            navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }),
          );
      });
      // Let the first visit settle (its idle preloads, the cache written), as a person would leave it.
      await page.waitForTimeout(1_000);
      repeat.push(await visit(page, server.origin));
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const size = bundleSize();
  // Every script of the build any first visit loaded before its list showed (theme-init.js and
  // registerSW.js included); the server's own routes serve no script.
  const firstScreen = new Set(first.flatMap((v) => v.scripts).map((path) => path.slice(1)));
  return {
    jsGzipKiB: gzippedKiB(firstScreen),
    staticJsGzipKiB: size.firstScreenKiB,
    allJsGzipKiB: size.allKiB,
    cssGzipKiB: size.cssKiB,
    buddyListMs: median(first.map((v) => v.pageMs)),
    buddyListWallMs: median(first.map((v) => v.wallMs)),
    repeatBuddyListMs: median(repeat.map((v) => v.pageMs)),
    repeatBuddyListWallMs: median(repeat.map((v) => v.wallMs)),
  };
}
