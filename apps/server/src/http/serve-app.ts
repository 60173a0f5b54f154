import { APP_ASSET_ROOT, APP_POLICY_FILE, type AppPolicyFile } from "@pim/protocol";
import { appSecurityHeaders, withHeaders } from "./security-headers.ts";

/** Fetches one of the served files by its path among them; null when there is none. */
export type AssetFetcher = (path: string) => Promise<Response | null>;

/**
 * The single-page app with its security headers: a path that names a file (`/assets/x.js`) is
 * that file of the build, any other path is `index.html` (the app routes on its own). PartyKit's
 * static server cannot add headers, so the build sits where only this reaches it (`APP_ASSET_ROOT`).
 * Null for what is not ours to answer (other methods), which PartyKit turns into a 404.
 */
export async function serveApp(request: Request, assets: AssetFetcher): Promise<Response | null> {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  const url = new URL(request.url);
  const headers = appSecurityHeaders(url, await scriptHashes(assets));
  const notFound = () => new Response("Not found", { status: 404, headers });
  // A socket upgrade that reaches here named no room (`/parties/user/.`): no page answers it.
  if (request.headers.get("upgrade")?.toLowerCase() === "websocket") return notFound();
  // Encoded or back-slashed paths name no file of the build; refused before any look-up.
  if (/[%\\]/.test(url.pathname) || url.pathname.split("/").includes("..")) return notFound();
  const last = url.pathname.split("/").at(-1) ?? "";
  const isFile = last.includes(".") && last !== "index.html";
  const file = await fetchOk(assets, `${APP_ASSET_ROOT}${isFile ? url.pathname : "/index.html"}`);
  if (!file) return notFound();
  const response = withHeaders(file, {
    ...headers,
    // Built files have content hashes in their names; index.html must be fetched fresh.
    "cache-control": url.pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
  });
  return request.method === "HEAD" ? new Response(null, response) : response;
}

/** The hashes of index.html's inline scripts, as the build recorded them. */
async function scriptHashes(assets: AssetFetcher): Promise<string[]> {
  const file = await fetchOk(assets, `${APP_ASSET_ROOT}/${APP_POLICY_FILE}`);
  if (!file) return [];
  try {
    const policy = (await file.json()) as Partial<AppPolicyFile>;
    return Array.isArray(policy.scriptHashes)
      ? policy.scriptHashes.filter(
          (hash) => typeof hash === "string" && /^sha256-[A-Za-z0-9+/=]+$/.test(hash),
        )
      : [];
  } catch {
    return [];
  }
}

async function fetchOk(assets: AssetFetcher, path: string): Promise<Response | null> {
  const response = await assets(path);
  return response?.ok ? response : null;
}
