import { CanonicalHandleSchema, type Handle } from "@pim/protocol";
import { ApiError } from "./api-error.ts";

/** A handle in a route's path, parsed into its canonical form, or a 400. */
export function handleParam(value: string): Handle {
  const parsed = CanonicalHandleSchema.safeParse(value);
  if (!parsed.success) throw new ApiError(400, "invalid", "That is not a valid handle.");
  return parsed.data;
}

/** A watcher named by handle (canonical), or by the alias an anonymous watcher goes by. */
export function watcherParam(value: string): string {
  if (/^anonymous:[0-9a-f]{12}$/.test(value)) return value;
  return handleParam(value);
}
