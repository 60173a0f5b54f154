import { describe, expect, it } from "vitest";
import { Gone, Refusal, Unavailable, Unreachable } from "../refusal.ts";
import { errorResponse, statusOf } from "./api-error.ts";

describe("statusOf: a room's refusal as HTTP", () => {
  it.each([
    { refusal: new Refusal("invalid", "x"), status: 400 },
    { refusal: new Refusal("forbidden", "x"), status: 403 },
    { refusal: new Refusal("not_found", "x"), status: 404 },
    { refusal: new Refusal("conflict", "x"), status: 409 },
    { refusal: new Refusal("limit_reached", "x"), status: 409 },
    { refusal: new Refusal("rate_limited", "x", 5), status: 429 },
    { refusal: new Refusal("internal", "x"), status: 500 },
    { refusal: new Gone("x"), status: 410 },
    { refusal: new Unreachable(), status: 502 },
    { refusal: new Unavailable("x"), status: 503 },
  ])("$refusal.name $refusal.code -> $status", ({ refusal, status }) => {
    expect(statusOf(refusal)).toBe(status);
  });

  it("answers with the code, the message and when to try again", async () => {
    const response = errorResponse(new Refusal("rate_limited", "Slow down.", 7));
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(await response.json()).toEqual({
      error: { code: "rate_limited", message: "Slow down.", retryAfter: 7 },
    });
  });
});
