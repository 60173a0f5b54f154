import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clockNow, runningClocks, subscribeToClock } from "./useNow.ts";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => vi.useRealTimers());

describe("the shared clock", () => {
  it("runs one interval for any number of followers at the same pace", () => {
    const ticks: number[] = [];
    const undo = Array.from({ length: 100 }, (_, i) => subscribeToClock(30_000, () => ticks.push(i)));
    expect(runningClocks()).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(30_000);
    expect(ticks).toHaveLength(100);
    expect(clockNow(30_000)).toBe(1_030_000);
    for (const stop of undo) stop();
    expect(runningClocks()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("runs one interval per pace in use", () => {
    const a = subscribeToClock(1_000, () => {});
    const b = subscribeToClock(60_000, () => {});
    const c = subscribeToClock(60_000, () => {});
    expect(runningClocks()).toBe(2);
    a();
    b();
    expect(runningClocks()).toBe(1);
    c();
    expect(runningClocks()).toBe(0);
  });

  it("answers the same time twice in a row when nobody follows it", () => {
    const first = clockNow(5_000);
    vi.advanceTimersByTime(10);
    expect(clockNow(5_000)).toBe(first);
    vi.advanceTimersByTime(5_000);
    expect(clockNow(5_000)).toBe(first + 5_010);
  });
});
