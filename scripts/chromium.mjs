// How every headless Chromium here is launched (e2e, screenshots, the app-load benchmark): Debian's
// Chromium, not a downloaded one, with nothing in the background to skew a run. Plain JavaScript,
// so a .mjs script can import it as well as TypeScript (types in chromium.d.mts).

/** The system Chromium (Debian's package). */
export const chromiumExecutablePath = "/usr/bin/chromium";

/** No sandbox (containers), no background networking, updates, sync or GPU. */
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-gpu",
];

/** Options for Playwright's `chromium.launch` and a project's `launchOptions`. */
export const chromiumLaunchOptions = { executablePath: chromiumExecutablePath, args: chromiumArgs };
