import type { z } from "zod";
import type { ErrorCode } from "./errors.ts";
import { LIMITS } from "./limits.ts";
import { utf8Length } from "./utf8.ts";

export type Decoded<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

/** Size in bytes of a frame as it crossed the wire. */
export function frameBytes(frame: string | ArrayBuffer | ArrayBufferView): number {
  return typeof frame === "string" ? utf8Length(frame) : frame.byteLength;
}

/**
 * Parses one socket frame with a schema: size first, then JSON, then shape.
 * Never throws; a refusal names its reason so the sender can be told.
 */
export function decodeFrame<S extends z.ZodType>(
  schema: S,
  frame: string | ArrayBuffer | ArrayBufferView,
  maxBytes: number = LIMITS.maxFrameBytes,
): Decoded<z.infer<S>> {
  if (frameBytes(frame) > maxBytes) {
    return { ok: false, code: "too_large", message: `A frame may be at most ${maxBytes} bytes.` };
  }
  if (typeof frame !== "string") {
    return { ok: false, code: "invalid", message: "Frames are JSON text, not binary." };
  }
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    return { ok: false, code: "bad_json", message: "The frame is not valid JSON." };
  }
  return parseWith(schema, json);
}

/** Validates an already-parsed value, turning zod issues into one readable sentence. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): Decoded<z.infer<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const typeIssue = result.error.issues.find(
    (issue) => issue.path.length === 1 && issue.path[0] === "type" && issue.code === "invalid_union",
  );
  if (typeIssue) {
    return { ok: false, code: "unknown_type", message: "Unknown message type." };
  }
  const message = result.error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
  return { ok: false, code: "invalid", message };
}
