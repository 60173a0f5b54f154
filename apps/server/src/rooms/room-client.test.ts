import type * as Party from "partykit/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RoomClient } from "./room-client.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The `parties` of a room's context, whose `user` rooms answer with `answer`. */
function parties(answer: () => Promise<Response>): Party.Context["parties"] {
  const stub = { fetch: answer } as unknown as Party.Stub;
  return { user: { get: () => stub } } as unknown as Party.Context["parties"];
}

describe("RoomClient: a call to another room", () => {
  it("gets the room's parsed answer", async () => {
    const client = new RoomClient(
      parties(async () => new Response(JSON.stringify({ exists: true }), { status: 200 })),
      "alice",
      "secret",
    );
    const result = await client.call("exists", "bob", {});
    expect(result).toEqual({ ok: true, reply: { exists: true } });
  });

  it.each([
    { case: "never answers", answer: () => new Promise<Response>(() => undefined) },
    {
      case: "answers headers but never the body",
      answer: async () => new Response(new ReadableStream({ start: () => undefined }), { status: 200 }),
    },
    { case: "loses the connection", answer: () => Promise.reject(new Error("Network connection lost.")) },
  ])("that $case is unreachable, by the deadline at the latest", async ({ answer }) => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const client = new RoomClient(parties(answer), "alice", "secret", 50);
    const startedAt = Date.now();
    const result = await client.call("exists", "bob", {});
    expect(result).toEqual({ ok: false, failure: "unreachable" });
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });
});
