import { afterEach, describe, expect, it } from "vitest";
import { takeEarlyRead } from "./early-reads.ts";

const page = globalThis as unknown as { window?: { __pimEarlyReads?: Record<string, Promise<Response>> } };

afterEach(() => {
  delete page.window;
});

describe("takeEarlyRead", () => {
  it("hands a read started by the page to the first ask for its path, and only to that one", async () => {
    const read = Promise.resolve(new Response("{}"));
    page.window = { __pimEarlyReads: { "/parties/user/alice/buddies": read } };
    expect(takeEarlyRead("/parties/user/alice/session")).toBeUndefined();
    expect(takeEarlyRead("/parties/user/alice/buddies")).toBe(read);
    expect(takeEarlyRead("/parties/user/alice/buddies")).toBeUndefined();
  });

  it("is nothing when the page started none (no stored handle) or there is no page", () => {
    page.window = {};
    expect(takeEarlyRead("/parties/user/alice/buddies")).toBeUndefined();
    delete page.window;
    expect(takeEarlyRead("/parties/user/alice/buddies")).toBeUndefined();
  });
});
