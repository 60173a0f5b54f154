import { describe, expect, it } from "vitest";
import { serveApp } from "./serve-app.ts";

const files = new Map([
  ["/parties/app/index.html", "<html>app</html>"],
  ["/parties/app/assets/index-abc.js", "console.log(1)"],
  ["/parties/app/app-policy.json", JSON.stringify({ scriptHashes: ["sha256-AAAA", "not a hash"] })],
]);
const assets = async (path: string) => {
  const body = files.get(path);
  return body === undefined ? null : new Response(body, { headers: { "content-type": "text/plain" } });
};
const get = (path: string, method = "GET") =>
  serveApp(new Request(`https://pim.example${path}`, { method }), assets);

describe("serveApp", () => {
  it.each([
    { path: "/", status: 200, body: "<html>app</html>" },
    { path: "/some/route", status: 200, body: "<html>app</html>" },
    { path: "/index.html", status: 200, body: "<html>app</html>" },
    { path: "/assets/index-abc.js", status: 200, body: "console.log(1)" },
    { path: "/assets/missing.js", status: 404, body: "Not found" },
    { path: "/assets/%2e%2e/index.html", status: 200, body: "<html>app</html>" },
    { path: "/a%2Fb.js", status: 404, body: "Not found" },
  ])("$path: $status", async ({ path, status, body }) => {
    const response = await get(path);
    expect(response?.status).toBe(status);
    expect(await response?.text()).toBe(body);
    expect(response?.headers.get("x-frame-options")).toBe("DENY");
    expect(response?.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("builds the policy from the build's hashes, for this host's sockets", async () => {
    const policy = (await get("/"))?.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("script-src 'self' 'sha256-AAAA'");
    expect(policy).not.toContain("not a hash");
    expect(policy).toContain("connect-src 'self' wss://pim.example");
    expect(policy).toContain("frame-ancestors 'none'");
  });

  it("caches hashed files for long and the page not at all", async () => {
    expect((await get("/assets/index-abc.js"))?.headers.get("cache-control")).toContain("immutable");
    expect((await get("/"))?.headers.get("cache-control")).toBe("no-cache");
  });

  it("refuses a socket upgrade that names no room (found by the fuzzer: /parties/user/.)", async () => {
    const response = await serveApp(
      new Request("https://pim.example/parties/user/", { headers: { upgrade: "websocket" } }),
      assets,
    );
    expect(response?.status).toBe(404);
  });

  it("answers HEAD without a body and leaves other methods to PartyKit", async () => {
    const head = await get("/", "HEAD");
    expect(head?.status).toBe(200);
    expect(head?.body).toBeNull();
    expect(await get("/", "POST")).toBeNull();
  });
});
