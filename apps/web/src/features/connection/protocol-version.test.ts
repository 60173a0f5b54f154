import { PROTOCOL_VERSION } from "@pim/protocol";
import { describe, expect, it } from "vitest";
import { needsReload } from "./protocol-version.ts";

describe("needsReload", () => {
  it.each([
    { server: null, client: 3, reload: false, why: "not greeted yet" },
    { server: 3, client: 3, reload: false, why: "the same version" },
    { server: 4, client: 3, reload: true, why: "the server is newer" },
    { server: 2, client: 3, reload: true, why: "the server is older (rolled back)" },
  ])("$why: $reload", ({ server, client, reload }) => {
    expect(needsReload(server, client)).toBe(reload);
  });

  it("compares with this build's protocol by default", () => {
    expect(needsReload(PROTOCOL_VERSION)).toBe(false);
    expect(needsReload(PROTOCOL_VERSION + 1)).toBe(true);
  });
});
