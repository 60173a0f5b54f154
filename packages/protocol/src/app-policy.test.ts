import { describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "./app-policy.ts";

describe("contentSecurityPolicy", () => {
  const header = contentSecurityPolicy({
    scriptHashes: ["sha256-abc="],
    socketOrigins: ["wss://pim.example"],
  });

  it.each([
    "default-src 'self'",
    "script-src 'self' 'sha256-abc='",
    "connect-src 'self' wss://pim.example",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    "form-action 'self'",
  ])("has %s", (directive) => {
    expect(header.split("; ")).toContain(directive);
  });

  it("never allows inline scripts or eval wholesale", () => {
    expect(header).not.toContain("unsafe-inline");
    expect(header).not.toContain("unsafe-eval");
  });

  it("leaves frame-ancestors out of a <meta> copy, where browsers ignore it", () => {
    const meta = contentSecurityPolicy({ scriptHashes: ["sha256-abc="], forMeta: true });
    expect(meta).not.toContain("frame-ancestors");
    expect(meta).toContain("script-src 'self' 'sha256-abc='");
  });
});
