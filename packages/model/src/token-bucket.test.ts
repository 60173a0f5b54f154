import { describe, expect, it } from "vitest";
import { type Bucket, take } from "./token-bucket.ts";

const policy = { perMinute: 60, burst: 3 }; // one token a second

function takeAt(times: number[]): { oks: boolean[]; bucket: Bucket | undefined; retry?: number } {
  let bucket: Bucket | undefined;
  const oks: boolean[] = [];
  let retry: number | undefined;
  for (const t of times) {
    const result = take(bucket, t, policy);
    bucket = result.bucket;
    oks.push(result.ok);
    if (!result.ok) retry = result.retryAfterMs;
  }
  return { oks, bucket, ...(retry !== undefined ? { retry } : {}) };
}

describe("token bucket", () => {
  it.each([
    { case: "a burst up to the limit", times: [0, 0, 0], oks: [true, true, true] },
    { case: "one over the burst", times: [0, 0, 0, 0], oks: [true, true, true, false] },
    { case: "refilled after a second", times: [0, 0, 0, 0, 1000], oks: [true, true, true, false, true] },
    {
      case: "steady at the rate",
      times: [0, 1000, 2000, 3000, 4000, 5000],
      oks: [true, true, true, true, true, true],
    },
    {
      case: "never more than the burst after a long pause",
      times: [0, 0, 0, 60_000, 60_000, 60_000, 60_000],
      oks: [true, true, true, true, true, true, false],
    },
  ])("$case", ({ times, oks }) => {
    expect(takeAt(times).oks).toEqual(oks);
  });

  it("says exactly how long until the next token", () => {
    expect(takeAt([0, 0, 0, 0]).retry).toBe(1000);
    expect(takeAt([0, 0, 0, 250]).retry).toBe(750);
  });

  it("a clock going backwards mints no tokens", () => {
    expect(takeAt([10_000, 10_000, 10_000, 5_000, 5_000]).oks).toEqual([true, true, true, false, false]);
  });
});
