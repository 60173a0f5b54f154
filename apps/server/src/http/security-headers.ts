import { contentSecurityPolicy } from "@pim/protocol";

/** Headers every response of ours carries: no sniffing, no referrer, never in a frame. */
const COMMON = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
} as const;

/** An API answer is data, never a page: it may load nothing. */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  ...COMMON,
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
};

/** The headers of the app's pages and files, for a request to `url`. */
export function appSecurityHeaders(url: URL, scriptHashes: readonly string[]): Record<string, string> {
  const socketScheme = url.protocol === "https:" ? "wss:" : "ws:";
  return {
    ...COMMON,
    "content-security-policy": contentSecurityPolicy({
      scriptHashes,
      socketOrigins: [`${socketScheme}//${url.host}`],
    }),
  };
}

/** The same response with these headers set (a fetched response's headers cannot be changed). */
export function withHeaders(response: Response, headers: Readonly<Record<string, string>>): Response {
  const copy = new Response(response.body, response);
  for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
  return copy;
}
