import { LIMITS } from "@pim/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueHandle } from "./harness/client.ts";
import { startServer, type TestServer } from "./harness/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.dispose();
});

async function errorOf(response: Response) {
  const body = (await response.json()) as { error: { code: string; message: string; retryAfter?: number } };
  return { status: response.status, ...body.error };
}

/** A body sent slowly, in chunks, with no content-length; says how much went and whether it ended. */
function slowBody(totalBytes: number, chunkBytes = 8 * 1024, everyMs = 5) {
  const progress = { sent: 0, finished: false };
  const chunk = new TextEncoder().encode("x".repeat(chunkBytes));
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (progress.sent >= totalBytes) {
        progress.finished = true;
        controller.close();
        return;
      }
      await new Promise((r) => setTimeout(r, everyMs));
      controller.enqueue(chunk);
      progress.sent += chunk.byteLength;
    },
  });
  return { stream, progress };
}

describe("request bodies are counted while they arrive", () => {
  it("a chunked body far over the limit is refused with 413 while the client is still sending", async () => {
    const handle = uniqueHandle("chunky");
    // 32 MiB at 8 KiB every 5 ms takes over 20 s to send.
    const { stream, progress } = slowBody(32 * 1024 * 1024);
    const started = Date.now();
    const response = await fetch(`${server.url}/parties/user/${handle}/signin`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(await errorOf(response)).toMatchObject({ status: 413, code: "too_large" });
    expect(progress.finished).toBe(false);
    expect(progress.sent).toBeLessThan(4 * 1024 * 1024);
    expect(Date.now() - started).toBeLessThan(10_000);
    await stream.cancel().catch(() => {});
  });

  it("a chunked body within the limit is read whole", async () => {
    const handle = uniqueHandle("chunky");
    const text = JSON.stringify({ handle, password: "correct horse battery" });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(text);
        controller.enqueue(bytes.slice(0, 10));
        controller.enqueue(bytes.slice(10));
        controller.close();
      },
    });
    const response = await fetch(`${server.url}/parties/user/${handle}/signup`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.origin },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(201);
    expect(LIMITS.maxBodyBytes).toBeGreaterThan(text.length);
  });
});
