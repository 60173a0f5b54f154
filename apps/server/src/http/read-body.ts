import { parseWith } from "@pim/protocol";
import type { z } from "zod";
import { ApiError } from "./api-error.ts";
import { readBoundedText } from "./read-bounded-text.ts";

/**
 * Reads a JSON body and parses it with a protocol schema: size, then JSON, then shape.
 * Anything else is a 413 or 400 and nothing further happens.
 */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  return parseJsonBody(await readBoundedText(request), schema);
}

/** A body already read, as JSON parsed with its schema; a 400 naming what is wrong otherwise. */
export function parseJsonBody<S extends z.ZodType>(text: string, schema: S): z.infer<S> {
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
