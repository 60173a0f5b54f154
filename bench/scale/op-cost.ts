import { emptyCounts, type MeterCounts } from "../../apps/server/src/meter/meter.ts";

/** The typical operations of a principal's day, as the `ops` bench stage performs them. */
export const OPS = [
  "signIn",
  "tabOpen",
  "tabClose",
  "presenceChange",
  "deviceIdle",
  "messageSend",
  "messageRead",
  "typing",
] as const;
export type OpName = (typeof OPS)[number];

/**
 * What one operation costs, summed over every room it touched (the principal's own and its
 * buddies'). `requests` are what Durable Objects bills as requests (HTTP requests into rooms,
 * socket upgrades, alarms); `framesIn` are incoming socket frames, billed at 20 to a request.
 */
export type OpCost = {
  requests: number;
  framesIn: number;
  /** Calls rooms made to other rooms (HTTP and channel frames): part of `requests`/`framesIn`. */
  roomToRoom: number;
  readUnits: number;
  writeUnits: number;
  deletes: number;
  rowsRead: number;
  rowsWritten: number;
  bytesWritten: number;
  roomsTouched: number;
  /** CPU of the whole local runtime per operation (an upper bound of the rooms' own CPU). */
  cpuMs: number;
  /** From the client's request to its observed effect (on every buddy's tab for a fan-out). */
  wallMs: number;
};

export const COST_FIELDS = [
  "requests",
  "framesIn",
  "roomToRoom",
  "readUnits",
  "writeUnits",
  "deletes",
  "rowsRead",
  "rowsWritten",
  "bytesWritten",
  "roomsTouched",
  "cpuMs",
  "wallMs",
] as const satisfies ReadonlyArray<keyof OpCost>;

export function zeroCost(): OpCost {
  return Object.fromEntries(COST_FIELDS.map((f) => [f, 0])) as OpCost;
}

/** The meters of every room added up, and how many rooms did anything. */
export function sumRooms(rooms: Record<string, MeterCounts>): { total: MeterCounts; touched: number } {
  const total = emptyCounts();
  let touched = 0;
  for (const counts of Object.values(rooms)) {
    let any = false;
    for (const key of Object.keys(total) as Array<keyof MeterCounts>) {
      total[key] += counts[key];
      if (counts[key] > 0) any = true;
    }
    if (any) touched++;
  }
  return { total, touched };
}

/** The billed quantities of `reps` operations' meter totals, per operation. */
export function perOperation(
  total: MeterCounts,
  reps: number,
  extra: { roomsTouched: number; cpuMs: number; wallMs: number },
): OpCost {
  const per = (n: number) => n / reps;
  return {
    requests: per(
      total.requestsFromOutside +
        total.requestsFromRooms +
        total.tabsOpened +
        total.channelsAccepted +
        total.alarms,
    ),
    framesIn: per(total.tabFramesIn + total.channelFramesIn),
    roomToRoom: per(total.roomCallsOut + total.channelsOpened + total.channelFramesOut),
    readUnits: per(total.readUnits),
    writeUnits: per(total.writeUnits),
    deletes: per(total.keysDeleted),
    rowsRead: per(total.keysRead + total.keysListed),
    rowsWritten: per(total.keysWritten + total.keysDeleted + total.alarmWrites),
    bytesWritten: per(total.bytesWritten),
    roomsTouched: extra.roomsTouched / reps,
    cpuMs: extra.cpuMs / reps,
    wallMs: extra.wallMs / reps,
  };
}

/** An operation's cost as a line in the number of buddies: what it costs at 0, and each buddy more. */
export type CostLine = { base: OpCost; perBuddy: OpCost };

/**
 * The line through the costs measured at two buddy counts. Counts never go below zero: a line
 * that would (noise in CPU or time) is held flat at the smaller measurement.
 */
export function fitLine(
  a: { buddies: number; cost: OpCost },
  b: { buddies: number; cost: OpCost },
): CostLine {
  if (a.buddies === b.buddies) throw new Error("two different buddy counts are needed for a line");
  const [lo, hi] = a.buddies < b.buddies ? [a, b] : [b, a];
  const base = zeroCost();
  const perBuddy = zeroCost();
  for (const field of COST_FIELDS) {
    const slope = (hi.cost[field] - lo.cost[field]) / (hi.buddies - lo.buddies);
    const intercept = lo.cost[field] - slope * lo.buddies;
    if (slope < 0) {
      // Falling with more buddies is noise (CPU, time): a flat cost, the mean of the two.
      base[field] = (lo.cost[field] + hi.cost[field]) / 2;
      perBuddy[field] = 0;
    } else if (intercept < 0) {
      // Growing faster than linearly from zero: all of it per buddy, through the larger figure.
      base[field] = 0;
      perBuddy[field] = hi.buddies > 0 ? hi.cost[field] / hi.buddies : 0;
    } else {
      base[field] = intercept;
      perBuddy[field] = slope;
    }
  }
  return { base, perBuddy };
}

/** An operation's cost for a principal with `buddies` buddies (and as many subscribers). */
export function costAt(line: CostLine, buddies: number): OpCost {
  const cost = zeroCost();
  for (const field of COST_FIELDS) cost[field] = line.base[field] + line.perBuddy[field] * buddies;
  return cost;
}

/** What the `ops` stage writes (`bench/results/ops.json`) and the simulator reads. */
export type OpsFile = {
  date: string;
  /** The two buddy counts measured, and the repetitions of each operation at each. */
  buddies: [number, number];
  reps: number;
  measured: Record<OpName, Record<string, OpCost>>;
  lines: Record<OpName, CostLine>;
  notes: string[];
};
