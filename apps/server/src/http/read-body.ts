import { LIMITS, parseWith } from "@pim/protocol";
import type { z } from "zod";
import { ApiError } from "./api-error.ts";

/**
 * Reads a JSON body and parses it with a protocol schema: size, then JSON, then shape.
 * Anything else is a 413 or 400 and nothing further happens.
 */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > LIMITS.maxBodyBytes) throw tooLarge();
  const text = await request.text();
  if (new TextEncoder().encode(text).byteLength > LIMITS.maxBodyBytes) throw tooLarge();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(400, "bad_json", "The request body is not valid JSON.");
  }
  const parsed = parseWith(schema, json);
  if (!parsed.ok) throw new ApiError(400, parsed.code, parsed.message);
  return parsed.value;
}

function tooLarge(): ApiError {
  return new ApiError(413, "too_large", `A request body may be at most ${LIMITS.maxBodyBytes} bytes.`);
}
