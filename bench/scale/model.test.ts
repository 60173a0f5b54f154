import { describe, expect, it } from "vitest";
import { readPricing } from "./files.ts";
import {
  DAYS_PER_MONTH,
  type DailyUsage,
  DEFAULT_PROFILE,
  dailyUsage,
  hotspot,
  monthlyCost,
  reconnectStorm,
  storedBytes,
  type UsageProfile,
} from "./model.ts";
import { type CostLine, OPS, type OpCost, type OpName, zeroCost } from "./op-cost.ts";

const pricing = readPricing(new URL("./pricing.json", import.meta.url).pathname);
const cost = (over: Partial<OpCost>): OpCost => ({ ...zeroCost(), ...over });
const only = (op: OpName, c: Partial<OpCost>): Record<OpName, OpCost> =>
  Object.fromEntries(OPS.map((name) => [name, name === op ? cost(c) : zeroCost()])) as Record<OpName, OpCost>;
const profile = (
  perDay: Partial<UsageProfile["perDay"]>,
  over: Partial<UsageProfile> = {},
): UsageProfile => ({
  ...DEFAULT_PROFILE,
  ...over,
  perDay: { ...(Object.fromEntries(OPS.map((op) => [op, 0])) as UsageProfile["perDay"]), ...perDay },
});

describe("pricing.json", () => {
  it("holds the published prices, each with where it was read", () => {
    expect(pricing.compute.perMillionRequests).toBe(0.15);
    expect(pricing.compute.incomingFramesPerBilledRequest).toBe(20);
    expect(pricing.compute.perMillionGbSeconds).toBe(12.5);
    expect(pricing.sources.pricing).toMatch(
      /^https:\/\/developers\.cloudflare\.com\/durable-objects\/platform\/pricing/,
    );
  });
});

describe("dailyUsage", () => {
  it.each([
    ["requests add up by how often", only("signIn", { requests: 1 }), { signIn: 3 }, "requests", 3],
    [
      "20 incoming frames bill as one request",
      only("typing", { framesIn: 1 }),
      { typing: 40 },
      "billedRequests",
      2,
    ],
    ["write units add up", only("messageSend", { writeUnits: 9 }), { messageSend: 10 }, "writeUnits", 90],
    ["as built, a room is resident all day", only("signIn", {}), {}, "residentSeconds", 86_400],
  ] as const)("%s", (_what, costs, perDay, field, expected) => {
    expect(dailyUsage(costs, profile(perDay), "as-built", pricing)[field as keyof DailyUsage]).toBeCloseTo(
      expected,
    );
  });

  it.each([
    ["as-built", 86_400],
    ["online", 8 * 3600 + 10 * 1.5],
    ["hibernate", 10 * 1.5],
  ] as const)("residency %s: resident seconds", (residency, seconds) => {
    const costs = only("presenceChange", { wallMs: 1000, cpuMs: 500 });
    const day = dailyUsage(costs, profile({ presenceChange: 10 }, { hoursOnline: 8 }), residency, pricing);
    expect(day.residentSeconds).toBeCloseTo(seconds);
    expect(day.gbSeconds).toBeCloseTo(seconds * 0.125);
  });

  it("never counts more than a day", () => {
    const costs = only("typing", { wallMs: 60_000 });
    expect(
      dailyUsage(costs, profile({ typing: 10_000 }, { hoursOnline: 24 }), "online", pricing).residentSeconds,
    ).toBe(86_400);
  });
});

describe("monthlyCost", () => {
  const day = (over: Partial<DailyUsage>): DailyUsage => ({
    ...dailyUsage(only("signIn", {}), profile({}), "hibernate", pricing),
    residentSeconds: 0,
    gbSeconds: 0,
    ...over,
  });

  it.each([
    // [what, day, principals, backend, field, dollars]
    ["the allowance of requests is free", { billedRequests: 1 }, 1000, "kv", "requests", 0],
    [
      "requests past the allowance at $0.15 a million",
      { billedRequests: 100 },
      1000,
      "kv",
      "requests",
      ((3_000_000 - 1_000_000) / 1e6) * 0.15,
    ],
    ["one room resident all month fits the allowance", { gbSeconds: 86_400 * 0.125 }, 1, "kv", "duration", 0],
    [
      "a million resident rooms",
      { gbSeconds: 86_400 * 0.125 },
      1_000_000,
      "kv",
      "duration",
      ((10_800 * DAYS_PER_MONTH * 1e6 - 400_000) / 1e6) * 12.5,
    ],
    ["key-value write units at $1 a million", { writeUnits: 100 }, 1000, "kv", "storageWrites", 2],
    [
      "SQLite rows written at $1 a million past 50 million",
      { rowsWritten: 100 },
      100_000,
      "sqlite",
      "storageWrites",
      250,
    ],
    [
      "SQLite deletes are rows written, not deletes",
      { deletes: 100 },
      100_000,
      "sqlite",
      "storageDeletes",
      0,
    ],
  ] as const)("%s", (_what, over, principals, backend, field, dollars) => {
    const month = monthlyCost(day(over), 0, principals, backend, pricing);
    expect(month[field]).toBeCloseTo(dollars, 6);
    expect(month.total).toBeCloseTo(
      5 +
        month.requests +
        month.duration +
        month.storageReads +
        month.storageWrites +
        month.storageDeletes +
        month.stored,
      6,
    );
  });

  it("prices stored data past the allowance, and says what one principal costs", () => {
    const month = monthlyCost(day({}), 1e6, 11_000, "kv", pricing); // 11 GB
    expect(month.stored).toBeCloseTo(10 * 0.2);
    expect(month.perPrincipal).toBeCloseTo(month.total / 11_000);
  });
});

describe("storedBytes, hotspot and reconnectStorm", () => {
  it("keeps what sending writes for the retention period", () => {
    const costs = only("messageSend", { bytesWritten: 1000 });
    expect(storedBytes(costs, profile({ messageSend: 10 }, { retentionDays: 30 }))).toBe(16_384 + 300_000);
  });

  it("one presentity's change grows with its subscribers", () => {
    const line: CostLine = {
      base: cost({ requests: 1, cpuMs: 1 }),
      perBuddy: cost({ framesIn: 1, cpuMs: 0.1 }),
    };
    const lines = Object.fromEntries(OPS.map((op) => [op, line])) as Record<OpName, CostLine>;
    expect(hotspot(lines, 1000)).toEqual({
      subscribers: 1000,
      messagesPerChange: 1001,
      cpuMsPerChange: 101,
      changesPerSecondPerCore: 1000 / 101,
    });
  });

  it("a storm is every online principal opening a tab", () => {
    const costs = only("tabOpen", { requests: 21, framesIn: 20, roomToRoom: 40, cpuMs: 10 });
    expect(reconnectStorm(costs, 1000, pricing)).toEqual({
      principalsOnline: 1000,
      billedRequests: 22_000,
      roomToRoom: 40_000,
      cpuSeconds: 10,
    });
  });
});
