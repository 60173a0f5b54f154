import { describe, expect, it } from "vitest";
import { ApiError } from "../../lib/api.ts";
import { errorText } from "./errors.ts";

describe("errorText says what went wrong, not where in the request", () => {
  it.each([
    {
      case: "a field's problem",
      error: new ApiError(400, "invalid", "handle: A handle may use only letters, digits, '.', '_' and '-'."),
      text: "A handle may use only letters, digits, '.', '_' and '-'.",
    },
    {
      case: "problems of several fields, once each",
      error: new ApiError(
        400,
        "invalid",
        "people.a b: Invalid key in record; people.c d: Invalid key in record",
      ),
      text: "Invalid key in record",
    },
    {
      case: "a problem of the whole body",
      error: new ApiError(400, "invalid", "At most 20 groups."),
      text: "At most 20 groups.",
    },
    {
      case: "another refusal, as the server says it",
      error: new ApiError(404, "not_found", "bob: has not asked to watch you."),
      text: "bob: has not asked to watch you.",
    },
    { case: "anything else", error: new Error("boom"), text: "That did not work. Try again." },
  ])("$case", ({ error, text }) => {
    expect(errorText(error)).toBe(text);
  });
});
