/**
 * What the app's pages may load: one policy for the server's `Content-Security-Policy` header and
 * the build's `<meta>` copy of it. Inline scripts are allowed only by the SHA-256 hash of their
 * text, computed when the app is built, never by 'unsafe-inline'.
 */

/**
 * Where the built app sits among the served files: under a party path, which PartyKit routes to a
 * party and never to its static file server, so the app's files reach a browser only through the
 * main party's `onFetch`, which adds the security headers.
 */
export const APP_ASSET_ROOT = "/parties/app";

/** The build's record of the inline scripts in `index.html`, beside it as `app-policy.json`. */
export const APP_POLICY_FILE = "app-policy.json";
export type AppPolicyFile = { scriptHashes: string[] };

export type ContentPolicyInput = {
  /** `sha256-<base64>` of each inline script. */
  scriptHashes: readonly string[];
  /** Socket origins besides 'self' (`wss://host`); unknown to the build. */
  socketOrigins?: readonly string[];
  /** A `<meta>` copy: without `frame-ancestors`, which browsers ignore (and warn about) there. */
  forMeta?: boolean;
};

/** The `Content-Security-Policy` of the app's pages. */
export function contentSecurityPolicy(input: ContentPolicyInput): string {
  const directives = [
    "default-src 'self'",
    ["script-src 'self'", ...input.scriptHashes.map((hash) => `'${hash}'`)].join(" "),
    "style-src 'self'",
    // The favicon is an inline SVG.
    "img-src 'self' data:",
    ["connect-src 'self'", ...(input.socketOrigins ?? [])].join(" "),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    ...(input.forMeta ? [] : ["frame-ancestors 'none'"]),
  ];
  return directives.join("; ");
}
