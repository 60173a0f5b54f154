import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error.ts";
import { readBoundedText } from "./read-bounded-text.ts";

function chunked(chunks: string[], onCancel?: () => void): Request {
  const encoder = new TextEncoder();
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[i++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(encoder.encode(chunk));
    },
    cancel: onCancel,
  });
  return new Request("http://x/", { method: "POST", body, duplex: "half" } as RequestInit);
}

describe("readBoundedText", () => {
  it.each([
    { case: "empty", chunks: [], limit: 10, text: "" },
    { case: "one chunk", chunks: ["hello"], limit: 10, text: "hello" },
    { case: "exactly the limit", chunks: ["hello", "world"], limit: 10, text: "helloworld" },
    // "é" is two bytes split across chunks: decoded whole.
    { case: "a character across chunks", chunks: ["caf\u00e9"], limit: 10, text: "café" },
  ])("$case", async ({ chunks, limit, text }) => {
    await expect(readBoundedText(chunked(chunks), limit)).resolves.toBe(text);
  });

  it("stops at the first chunk past the limit and cancels the stream", async () => {
    let cancelled = false;
    const endless = Array.from({ length: 1000 }, () => "x".repeat(100));
    const error = await readBoundedText(
      chunked(endless, () => {
        cancelled = true;
      }),
      250,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 413, code: "too_large" });
    expect(cancelled).toBe(true);
  });

  it("refuses a declared length over the limit without reading", async () => {
    const request = new Request("http://x/", {
      method: "POST",
      body: "x".repeat(20),
      headers: { "content-length": "20" },
    });
    await expect(readBoundedText(request, 10)).rejects.toMatchObject({ status: 413 });
  });

  it("counts bytes, not characters", async () => {
    await expect(readBoundedText(chunked(["\u{1F600}\u{1F600}\u{1F600}"]), 10)).rejects.toMatchObject({
      status: 413,
    });
  });
});
