import { ApiError } from "../../lib/api.ts";

/** A failed request, in words for people. */
export function errorText(error: Error): string {
  return error instanceof ApiError ? error.message : "That did not work. Try again.";
}
