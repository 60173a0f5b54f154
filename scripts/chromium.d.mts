/** The system Chromium (Debian's package). */
export declare const chromiumExecutablePath: string;
/** No sandbox (containers), no background networking, updates, sync or GPU. */
export declare const chromiumArgs: readonly string[];
/** Options for Playwright's `chromium.launch` and a project's `launchOptions`. */
export declare const chromiumLaunchOptions: { executablePath: string; args: string[] };
