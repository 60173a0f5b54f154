import { describe, expect, it } from "vitest";
import { emptyCounts, type MeterCounts } from "../../apps/server/src/meter/meter.ts";
import { costAt, fitLine, type OpCost, perOperation, sumRooms, zeroCost } from "./op-cost.ts";

const counts = (over: Partial<MeterCounts>): MeterCounts => ({ ...emptyCounts(), ...over });
const cost = (over: Partial<OpCost>): OpCost => ({ ...zeroCost(), ...over });

describe("sumRooms", () => {
  it("adds every room's counts and counts the rooms that did anything", () => {
    const { total, touched } = sumRooms({
      a: counts({ requestsFromOutside: 1, keysWritten: 2 }),
      b: counts({ channelFramesIn: 3 }),
      idle: counts({}),
    });
    expect(total.requestsFromOutside).toBe(1);
    expect(total.keysWritten).toBe(2);
    expect(total.channelFramesIn).toBe(3);
    expect(touched).toBe(2);
  });
});

describe("perOperation", () => {
  it.each([
    [
      "HTTP from outside and from rooms, upgrades and alarms are requests",
      { requestsFromOutside: 2, requestsFromRooms: 4, tabsOpened: 2, channelsAccepted: 2, alarms: 2 },
      { requests: 6 },
    ],
    ["frames from tabs and channels are frames in", { tabFramesIn: 2, channelFramesIn: 6 }, { framesIn: 4 }],
    [
      "calls, channels and frames out are room-to-room",
      { roomCallsOut: 2, channelsOpened: 2, channelFramesOut: 4 },
      { roomToRoom: 4 },
    ],
    ["keys read and listed are rows read", { keysRead: 4, keysListed: 6 }, { rowsRead: 5 }],
    [
      "keys written, deleted and alarms set are rows written",
      { keysWritten: 2, keysDeleted: 2, alarmWrites: 2 },
      { rowsWritten: 3, deletes: 1 },
    ],
    [
      "units pass through",
      { readUnits: 8, writeUnits: 4, bytesWritten: 100 },
      { readUnits: 4, writeUnits: 2, bytesWritten: 50 },
    ],
  ])("%s (per operation of 2)", (_what, total, expected) => {
    const got = perOperation(counts(total), 2, { roomsTouched: 6, cpuMs: 10, wallMs: 20 });
    expect(got).toEqual(cost({ roomsTouched: 3, cpuMs: 5, wallMs: 10, ...expected }));
  });
});

describe("fitLine and costAt", () => {
  it.each([
    // [what, at 5 buddies, at 20 buddies, base, per buddy, at 10 buddies]
    ["a fixed cost stays fixed", 1, 1, 1, 0, 1],
    ["a cost per buddy grows with them", 5, 20, 0, 1, 10],
    ["a fixed part and a part per buddy", 7, 22, 2, 1, 12],
    ["falling is noise: the mean, flat", 4, 2, 3, 0, 3],
    ["faster than linear from zero: all per buddy", 1, 20, 0, 1, 10],
  ])("%s", (_what, low, high, base, perBuddy, atTen) => {
    const line = fitLine(
      { buddies: 5, cost: cost({ requests: low }) },
      { buddies: 20, cost: cost({ requests: high }) },
    );
    expect(line.base.requests).toBeCloseTo(base);
    expect(line.perBuddy.requests).toBeCloseTo(perBuddy);
    expect(costAt(line, 10).requests).toBeCloseTo(atTen);
  });

  it("takes the two points in either order, and refuses one buddy count twice", () => {
    const a = { buddies: 5, cost: cost({ framesIn: 5 }) };
    const b = { buddies: 20, cost: cost({ framesIn: 20 }) };
    expect(fitLine(b, a)).toEqual(fitLine(a, b));
    expect(() => fitLine(a, a)).toThrow(/two different buddy counts/);
  });
});
