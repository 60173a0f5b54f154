import { LIMITS } from "@pim/protocol";
import { ApiError } from "./api-error.ts";

/**
 * Reads a request body as UTF-8 text, counting bytes as they arrive and giving up (cancelling the
 * stream) as soon as there are more than `limit`: a huge or endless body, chunked or not, costs
 * the room at most `limit` bytes and is refused with a 413 while the client is still sending.
 */
export async function readBoundedText(
  request: Request,
  limit: number = LIMITS.maxBodyBytes,
): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge(limit);
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > limit) {
      // Cancelling tells the runtime to stop reading; what is still in flight is dropped.
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

/** The refusal of a body over the limit. */
export function tooLarge(limit: number = LIMITS.maxBodyBytes): ApiError {
  return new ApiError(413, "too_large", `A request body may be at most ${limit} bytes.`);
}
