import { type CostLine, costAt, OPS, type OpCost, type OpName } from "./op-cost.ts";

/** A principal's typical day, in operations (see `DEFAULT_PROFILE` and docs/scale.md). */
export type UsageProfile = {
  buddies: number;
  hoursOnline: number;
  /** How many times a day each operation happens. */
  perDay: Record<OpName, number>;
  /** How long messages are kept, for the stored bytes. */
  retentionDays: number;
};

/** A day of a typical principal, as docs/scale.md explains each figure. */
export const DEFAULT_PROFILE: UsageProfile = {
  buddies: 20,
  hoursOnline: 8,
  perDay: {
    signIn: 1,
    tabOpen: 4,
    tabClose: 4,
    presenceChange: 4,
    deviceIdle: 6,
    messageSend: 40,
    messageRead: 20,
    typing: 40,
  },
  retentionDays: 365,
};

/**
 * How long a room is in memory (and billed for duration) a day:
 * - `as-built`: all day: the rooms as first built, whose NOTIFICATION channels (sockets a room
 *   opens to its subscribers' rooms) were never closed; an outgoing socket cannot hibernate, and
 *   neither side uses the hibernation API, so a room with buddies stayed resident.
 * - `online`: while its principal has a tab open (channels closed when idle, no hibernation):
 *   the rooms since decision 28, give or take 30 s after each notification a room is sent.
 * - `hibernate`: only while it handles something (PartyKit's `hibernate: true`, channels closed
 *   when idle or replaced by HTTP calls): each operation's whole time in the principal's own room
 *   (from the action to its effect everywhere) plus the runtime's CPU for the other rooms.
 */
export const RESIDENCIES = ["as-built", "online", "hibernate"] as const;
export type Residency = (typeof RESIDENCIES)[number];
export const STORAGE_BACKENDS = ["kv", "sqlite"] as const;
export type StorageBackend = (typeof STORAGE_BACKENDS)[number];

export type Pricing = {
  workersPaidPerMonth: number;
  compute: {
    requestsIncludedPerMonth: number;
    perMillionRequests: number;
    incomingFramesPerBilledRequest: number;
    gbSecondsIncludedPerMonth: number;
    perMillionGbSeconds: number;
    memoryGbPerObject: number;
  };
  storage: {
    kv: {
      readUnitsIncludedPerMonth: number;
      perMillionReadUnits: number;
      writeUnitsIncludedPerMonth: number;
      perMillionWriteUnits: number;
      deletesIncludedPerMonth: number;
      perMillionDeletes: number;
      storedGbIncluded: number;
      perGbMonth: number;
    };
    sqlite: {
      rowsReadIncludedPerMonth: number;
      perMillionRowsRead: number;
      rowsWrittenIncludedPerMonth: number;
      perMillionRowsWritten: number;
      storedGbIncluded: number;
      perGbMonth: number;
    };
  };
};

/** One principal's billed quantities in a day. */
export type DailyUsage = Omit<OpCost, "roomsTouched" | "wallMs"> & {
  /** `requests` plus incoming frames at the published ratio. */
  billedRequests: number;
  /** Seconds the principal's rooms are resident (summed over rooms), and their GB-s. */
  residentSeconds: number;
  gbSeconds: number;
};

const DAY_SECONDS = 86_400;
/** Months of 30 days, as the published examples count them. */
export const DAYS_PER_MONTH = 30;

/** The operations' costs for this profile's number of buddies. */
export function costsFor(lines: Record<OpName, CostLine>, buddies: number): Record<OpName, OpCost> {
  return Object.fromEntries(OPS.map((name) => [name, costAt(lines[name], buddies)])) as Record<
    OpName,
    OpCost
  >;
}

/** One principal's day: each operation's cost times how often it happens, and the residency. */
export function dailyUsage(
  costs: Record<OpName, OpCost>,
  profile: UsageProfile,
  residency: Residency,
  pricing: Pricing,
): DailyUsage {
  const sum = (field: keyof OpCost) =>
    OPS.reduce((total, name) => total + costs[name][field] * profile.perDay[name], 0);
  const requests = sum("requests");
  const framesIn = sum("framesIn");
  // Busy time: the principal's own room for the operation's whole time (its timers keep it awake),
  // and the other rooms for their share of the runtime's CPU.
  const busySeconds = OPS.reduce(
    (total, name) => total + ((costs[name].wallMs + costs[name].cpuMs) / 1000) * profile.perDay[name],
    0,
  );
  const residentSeconds =
    residency === "as-built"
      ? DAY_SECONDS
      : residency === "online"
        ? Math.min(DAY_SECONDS, profile.hoursOnline * 3600 + busySeconds)
        : Math.min(DAY_SECONDS, busySeconds);
  return {
    requests,
    framesIn,
    billedRequests: requests + framesIn / pricing.compute.incomingFramesPerBilledRequest,
    roomToRoom: sum("roomToRoom"),
    readUnits: sum("readUnits"),
    writeUnits: sum("writeUnits"),
    deletes: sum("deletes"),
    rowsRead: sum("rowsRead"),
    rowsWritten: sum("rowsWritten"),
    bytesWritten: sum("bytesWritten"),
    cpuMs: sum("cpuMs"),
    residentSeconds,
    gbSeconds: residentSeconds * pricing.compute.memoryGbPerObject,
  };
}

/** Bytes one principal keeps: the messages of `retentionDays` (what sending writes, both rooms). */
export function storedBytes(costs: Record<OpName, OpCost>, profile: UsageProfile): number {
  const ACCOUNT_BYTES = 16_384; // account, sessions, rules, buddies: a few small values
  return ACCOUNT_BYTES + costs.messageSend.bytesWritten * profile.perDay.messageSend * profile.retentionDays;
}

export type MonthlyCost = {
  principals: number;
  base: number;
  requests: number;
  duration: number;
  storageReads: number;
  storageWrites: number;
  storageDeletes: number;
  stored: number;
  total: number;
  perPrincipal: number;
  /** The month's quantities for the whole population. */
  quantities: {
    billedRequests: number;
    gbSeconds: number;
    reads: number;
    writes: number;
    deletes: number;
    storedGb: number;
  };
};

/** Above an allowance, at a price per million. */
function overMillion(quantity: number, included: number, perMillion: number): number {
  return (Math.max(0, quantity - included) / 1_000_000) * perMillion;
}

/** A month of `principals` principals with this day each, priced. */
export function monthlyCost(
  day: DailyUsage,
  storedBytesEach: number,
  principals: number,
  backend: StorageBackend,
  pricing: Pricing,
): MonthlyCost {
  const month = (perDay: number) => perDay * principals * DAYS_PER_MONTH;
  const billedRequests = month(day.billedRequests);
  const gbSeconds = month(day.gbSeconds);
  const storedGb = (storedBytesEach * principals) / 1e9;
  const c = pricing.compute;
  const requests = overMillion(billedRequests, c.requestsIncludedPerMonth, c.perMillionRequests);
  const duration = overMillion(gbSeconds, c.gbSecondsIncludedPerMonth, c.perMillionGbSeconds);
  let reads: number;
  let writes: number;
  let deletes: number;
  let storageReads: number;
  let storageWrites: number;
  let storageDeletes: number;
  let stored: number;
  if (backend === "kv") {
    const kv = pricing.storage.kv;
    reads = month(day.readUnits);
    writes = month(day.writeUnits);
    deletes = month(day.deletes);
    storageReads = overMillion(reads, kv.readUnitsIncludedPerMonth, kv.perMillionReadUnits);
    storageWrites = overMillion(writes, kv.writeUnitsIncludedPerMonth, kv.perMillionWriteUnits);
    storageDeletes = overMillion(deletes, kv.deletesIncludedPerMonth, kv.perMillionDeletes);
    stored = Math.max(0, storedGb - kv.storedGbIncluded) * kv.perGbMonth;
  } else {
    const sql = pricing.storage.sqlite;
    reads = month(day.rowsRead);
    writes = month(day.rowsWritten); // deletes are rows written on this backend
    deletes = 0;
    storageReads = overMillion(reads, sql.rowsReadIncludedPerMonth, sql.perMillionRowsRead);
    storageWrites = overMillion(writes, sql.rowsWrittenIncludedPerMonth, sql.perMillionRowsWritten);
    storageDeletes = 0;
    stored = Math.max(0, storedGb - sql.storedGbIncluded) * sql.perGbMonth;
  }
  const base = pricing.workersPaidPerMonth;
  const total = base + requests + duration + storageReads + storageWrites + storageDeletes + stored;
  return {
    principals,
    base,
    requests,
    duration,
    storageReads,
    storageWrites,
    storageDeletes,
    stored,
    total,
    perPrincipal: principals > 0 ? total / principals : 0,
    quantities: { billedRequests, gbSeconds, reads, writes, deletes, storedGb },
  };
}

/** Where one room runs out first, for a presentity with `subscribers` (docs/scale.md, "Limits"). */
export type Hotspot = {
  subscribers: number;
  /** Incoming requests and frames the presentity's change makes across its subscribers' rooms. */
  messagesPerChange: number;
  /** Runtime CPU of one change (all rooms), and changes a second one core could carry. */
  cpuMsPerChange: number;
  changesPerSecondPerCore: number;
};

export function hotspot(lines: Record<OpName, CostLine>, subscribers: number): Hotspot {
  const change = costAt(lines.presenceChange, subscribers);
  return {
    subscribers,
    messagesPerChange: change.requests + change.framesIn,
    cpuMsPerChange: change.cpuMs,
    changesPerSecondPerCore: change.cpuMs > 0 ? 1000 / change.cpuMs : Number.POSITIVE_INFINITY,
  };
}

/** A reconnect storm: every online principal opens a tab at once (a deploy restarts every room). */
export type Storm = {
  principalsOnline: number;
  billedRequests: number;
  roomToRoom: number;
  cpuSeconds: number;
};

export function reconnectStorm(
  costs: Record<OpName, OpCost>,
  principalsOnline: number,
  pricing: Pricing,
): Storm {
  const open = costs.tabOpen;
  return {
    principalsOnline,
    billedRequests:
      principalsOnline * (open.requests + open.framesIn / pricing.compute.incomingFramesPerBilledRequest),
    roomToRoom: principalsOnline * open.roomToRoom,
    cpuSeconds: (principalsOnline * open.cpuMs) / 1000,
  };
}
