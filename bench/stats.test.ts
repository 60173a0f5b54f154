import { describe, expect, it } from "vitest";
import { summarize } from "./stats.ts";

describe("summarize", () => {
  it.each([
    { samples: [], expected: { count: 0, p50: 0, p95: 0, p99: 0, max: 0 } },
    { samples: [5], expected: { count: 1, p50: 5, p95: 5, p99: 5, max: 5 } },
    {
      samples: Array.from({ length: 100 }, (_, i) => 100 - i),
      expected: { count: 100, p50: 50, p95: 95, p99: 99, max: 100 },
    },
  ])("percentiles of $samples.length samples", ({ samples, expected }) => {
    expect(summarize(samples)).toEqual(expected);
  });
});
