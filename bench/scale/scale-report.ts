import {
  costsFor,
  dailyUsage,
  hotspot,
  type MonthlyCost,
  monthlyCost,
  type Pricing,
  type Residency,
  reconnectStorm,
  type StorageBackend,
  storedBytes,
  type UsageProfile,
} from "./model.ts";
import { OPS, type OpCost, type OpName, type OpsFile } from "./op-cost.ts";

export type ScaleInput = {
  principals: number;
  profile: UsageProfile;
  residencies: Residency[];
  storage: StorageBackend;
  ops: OpsFile;
  pricing: Pricing & { read: string };
};

export type ScaleFigures = {
  input: {
    principals: number;
    profile: UsageProfile;
    storage: StorageBackend;
    opsDate: string;
    pricesRead: string;
  };
  perOperation: Record<OpName, OpCost>;
  day: ReturnType<typeof dailyUsage>;
  storedBytesEach: number;
  months: Array<{ residency: Residency; cost: MonthlyCost }>;
  hotspot: ReturnType<typeof hotspot>;
  storm: ReturnType<typeof reconnectStorm>;
};

/** Everything the simulator says, as numbers. */
export function figures(input: ScaleInput): ScaleFigures {
  const costs = costsFor(input.ops.lines, input.profile.buddies);
  const stored = storedBytes(costs, input.profile);
  const months = input.residencies.map((residency) => ({
    residency,
    cost: monthlyCost(
      dailyUsage(costs, input.profile, residency, input.pricing),
      stored,
      input.principals,
      input.storage,
      input.pricing,
    ),
  }));
  const online = Math.round((input.principals * input.profile.hoursOnline) / 24);
  return {
    input: {
      principals: input.principals,
      profile: input.profile,
      storage: input.storage,
      opsDate: input.ops.date,
      pricesRead: input.pricing.read,
    },
    perOperation: costs,
    day: dailyUsage(costs, input.profile, input.residencies[0] ?? "as-built", input.pricing),
    storedBytesEach: stored,
    months,
    hotspot: hotspot(input.ops.lines, 1000),
    storm: reconnectStorm(costs, online, input.pricing),
  };
}

/** A number for a table: grouped thousands, `digits` decimals. */
export function num(n: number, digits = 0): string {
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function usd(n: number): string {
  if (n === 0) return "$0";
  return n >= 100 ? `$${num(n)}` : n >= 1 ? `$${num(n, 2)}` : `$${n.toPrecision(2)}`;
}

/** The figures as Markdown tables, for the terminal and for docs/scale.md. */
export function toMarkdown(f: ScaleFigures): string {
  const p = f.input.profile;
  const lines: string[] = [];
  lines.push(
    `${num(f.input.principals)} principals, ${p.buddies} buddies each, ${p.hoursOnline} h online a day, ${f.input.storage} storage backend; operations measured ${f.input.opsDate.slice(0, 10)}, prices read ${f.input.pricesRead}.`,
    "",
    "| operation | a day | requests | frames in | room-to-room | write units | read units | rooms | runtime CPU ms |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const op of OPS) {
    const c = f.perOperation[op];
    lines.push(
      `| ${op} | ${num(p.perDay[op], 1)} | ${num(c.requests, 1)} | ${num(c.framesIn, 1)} | ${num(c.roomToRoom, 1)} | ${num(c.writeUnits, 1)} | ${num(c.readUnits, 1)} | ${num(c.roomsTouched, 1)} | ${num(c.cpuMs, 1)} |`,
    );
  }
  const d = f.day;
  lines.push(
    "",
    `A principal's day: ${num(d.requests)} requests and ${num(d.framesIn)} incoming frames (${num(d.billedRequests)} billed requests), ${num(d.roomToRoom)} room-to-room calls and frames, ${num(d.writeUnits)} write units, ${num(d.readUnits)} read units, ${num(d.rowsWritten)} rows written, ${num(d.bytesWritten / 1024, 1)} KB written, ${num(d.cpuMs)} ms runtime CPU; ${num(f.storedBytesEach / 1024)} KB stored.`,
    "",
    "| residency | requests | duration | storage reads | storage writes | deletes | stored | total a month | per principal |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const { residency, cost: c } of f.months) {
    lines.push(
      `| ${residency} | ${usd(c.requests)} | ${usd(c.duration)} (${num(c.quantities.gbSeconds / 1e6, 1)} M GB-s) | ${usd(c.storageReads)} | ${usd(c.storageWrites)} | ${usd(c.storageDeletes)} | ${usd(c.stored)} | **${usd(c.total)}** | ${usd(c.perPrincipal)} |`,
    );
  }
  const h = f.hotspot;
  const s = f.storm;
  lines.push(
    "",
    `One presentity with ${num(h.subscribers)} subscribers: a change is ${num(h.messagesPerChange)} requests and frames into other rooms and ${num(h.cpuMsPerChange, 1)} ms of runtime CPU, so one core carries about ${num(h.changesPerSecondPerCore, 1)} such changes a second.`,
    `A reconnect storm (every online principal, ${num(s.principalsOnline)}, opens a tab at once): ${num(s.billedRequests)} billed requests, ${num(s.roomToRoom)} room-to-room calls and frames, ${num(s.cpuSeconds)} CPU-seconds.`,
  );
  return lines.join("\n");
}
