import { ApiError } from "../../lib/api.ts";

/** A failed request, in words for people. */
export function errorText(error: Error): string {
  if (!(error instanceof ApiError)) return "That did not work. Try again.";
  // The server names the field before each problem ("handle: …"); people need only the problem.
  if (error.code !== "invalid") return error.message;
  const problems = error.message.split("; ").map((part) => part.replace(/^[^:]*: /, ""));
  return [...new Set(problems)].join(" ");
}
