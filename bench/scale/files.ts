import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Pricing } from "./model.ts";
import { COST_FIELDS, OPS, type OpsFile } from "./op-cost.ts";

const count = z.number().finite().nonnegative();
const OpCostSchema = z.object(
  Object.fromEntries(COST_FIELDS.map((field) => [field, count])) as Record<
    (typeof COST_FIELDS)[number],
    typeof count
  >,
);
const CostLineSchema = z.object({ base: OpCostSchema, perBuddy: OpCostSchema });

/** What `npm run bench -- --only ops` writes. */
export const OpsFileSchema = z.object({
  date: z.string(),
  buddies: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
  reps: z.number().int().positive(),
  measured: z.object(
    Object.fromEntries(OPS.map((op) => [op, z.record(z.string(), OpCostSchema)])) as Record<
      (typeof OPS)[number],
      z.ZodRecord<z.ZodString, typeof OpCostSchema>
    >,
  ),
  lines: z.object(
    Object.fromEntries(OPS.map((op) => [op, CostLineSchema])) as Record<
      (typeof OPS)[number],
      typeof CostLineSchema
    >,
  ),
  notes: z.array(z.string()),
});

const price = z.number().finite().nonnegative();
/** bench/scale/pricing.json: the published prices, with where and when they were read. */
export const PricingFileSchema = z.object({
  read: z.string(),
  sources: z.record(z.string(), z.string().url()),
  workersPaidPerMonth: price,
  compute: z.object({
    requestsIncludedPerMonth: price,
    perMillionRequests: price,
    incomingFramesPerBilledRequest: z.number().positive(),
    gbSecondsIncludedPerMonth: price,
    perMillionGbSeconds: price,
    memoryGbPerObject: z.number().positive(),
  }),
  storage: z.object({
    kv: z.object({
      readUnitsIncludedPerMonth: price,
      perMillionReadUnits: price,
      writeUnitsIncludedPerMonth: price,
      perMillionWriteUnits: price,
      deletesIncludedPerMonth: price,
      perMillionDeletes: price,
      storedGbIncluded: price,
      perGbMonth: price,
    }),
    sqlite: z.object({
      rowsReadIncludedPerMonth: price,
      perMillionRowsRead: price,
      rowsWrittenIncludedPerMonth: price,
      perMillionRowsWritten: price,
      storedGbIncluded: price,
      perGbMonth: price,
    }),
  }),
  limits: z.record(z.string(), z.number()),
});
export type PricingFile = z.infer<typeof PricingFileSchema> & Pricing;

/** Reads and checks a JSON file; a problem is an error naming the file. */
export function readJson<T>(path: string, schema: z.ZodType<T>, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`could not read ${what} from ${path}: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `${path} is not ${what}: ${parsed.error.issues[0]?.message ?? "invalid"} at ${parsed.error.issues[0]?.path.join(".")}`,
    );
  return parsed.data;
}

export function readOps(path: string): OpsFile {
  return readJson(path, OpsFileSchema, "per-operation counts (npm run bench -- --only ops)") as OpsFile;
}

export function readPricing(path: string): PricingFile {
  return readJson(path, PricingFileSchema, "a pricing file") as PricingFile;
}
