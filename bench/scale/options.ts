import { parseArgs } from "node:util";
import { numberOption, type ParsedOptions } from "../command-line.ts";
import {
  DEFAULT_PROFILE,
  RESIDENCIES,
  type Residency,
  STORAGE_BACKENDS,
  type StorageBackend,
  type UsageProfile,
} from "./model.ts";

export const USAGE = `usage: npm run scale -- [options]
  --principals N        population to price (default 1000000)
  --buddies N           buddies of each principal, who also watch them (default ${DEFAULT_PROFILE.buddies})
  --hours-online H      hours a day with a tab open (default ${DEFAULT_PROFILE.hoursOnline})
  --sign-ins N          sign-ins a day (default ${DEFAULT_PROFILE.perDay.signIn})
  --tabs N              tabs opened (and closed) a day: each a presence change to every buddy
                        (default ${DEFAULT_PROFILE.perDay.tabOpen})
  --presence N          status or note changes a day (default ${DEFAULT_PROFILE.perDay.presenceChange})
  --idle N              devices going idle or back a day (default ${DEFAULT_PROFILE.perDay.deviceIdle})
  --messages N          messages sent a day (default ${DEFAULT_PROFILE.perDay.messageSend}); as many typing
                        notices, half as many reads
  --retention-days N    days messages are kept, for stored bytes (default ${DEFAULT_PROFILE.retentionDays})
  --residency MODE      when a room is billed for duration: as-built (all day: its room-to-room
                        sockets never close), online (while a tab is open), hibernate (only
                        while handling); or all (default all)
  --storage KIND        Durable Objects storage backend: kv or sqlite (default kv)
  --ops FILE            per-operation counts from \`npm run bench -- --only ops\`
                        (default bench/results/ops.json)
  --pricing FILE        prices and limits (default bench/scale/pricing.json)
  --json                print the figures as JSON instead of tables
  --help                this text`;

export type ScaleOptions = {
  principals: number;
  profile: UsageProfile;
  residencies: Residency[];
  storage: StorageBackend;
  ops: string | undefined;
  pricing: string | undefined;
  json: boolean;
};

const wholeOrZero = (n: number) => Number.isInteger(n) && n >= 0 && n <= 1_000_000;
const NUMBERS = {
  principals: [1_000_000, (n: number) => Number.isInteger(n) && n >= 1 && n <= 1e10, "a whole number from 1"],
  buddies: [
    DEFAULT_PROFILE.buddies,
    (n: number) => Number.isInteger(n) && n >= 0 && n <= 1000,
    "a whole number from 0 to 1000",
  ],
  "hours-online": [
    DEFAULT_PROFILE.hoursOnline,
    (n: number) => n >= 0 && n <= 24,
    "a number of hours from 0 to 24",
  ],
  "sign-ins": [DEFAULT_PROFILE.perDay.signIn, wholeOrZero, "a whole number, 0 or more"],
  tabs: [DEFAULT_PROFILE.perDay.tabOpen, wholeOrZero, "a whole number, 0 or more"],
  presence: [DEFAULT_PROFILE.perDay.presenceChange, wholeOrZero, "a whole number, 0 or more"],
  idle: [DEFAULT_PROFILE.perDay.deviceIdle, wholeOrZero, "a whole number, 0 or more"],
  messages: [DEFAULT_PROFILE.perDay.messageSend, wholeOrZero, "a whole number, 0 or more"],
  "retention-days": [DEFAULT_PROFILE.retentionDays, wholeOrZero, "a whole number of days, 0 or more"],
} as const;

/** Reads the command line; an error is a sentence for the user, shown above the usage. */
export function parseOptions(argv: string[]): ParsedOptions<ScaleOptions> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        ...Object.fromEntries(Object.keys(NUMBERS).map((name) => [name, { type: "string" as const }])),
        residency: { type: "string" },
        storage: { type: "string" },
        ops: { type: "string" },
        pricing: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return { error: (error as Error).message };
  }
  if (values.help) return { help: true };
  const str = (key: string) => {
    const value = Object.hasOwn(values, key) ? values[key] : undefined;
    return typeof value === "string" ? value : undefined;
  };
  const n = new Map<keyof typeof NUMBERS, number>();
  for (const [name, [fallback, valid, what]] of Object.entries(NUMBERS) as Array<
    [keyof typeof NUMBERS, (typeof NUMBERS)[keyof typeof NUMBERS]]
  >) {
    const value = numberOption(name, str(name), fallback, valid, what);
    if (typeof value === "string") return { error: value };
    n.set(name, value);
  }
  const residency = str("residency") ?? "all";
  if (residency !== "all" && !(RESIDENCIES as readonly string[]).includes(residency))
    return {
      error: `--residency takes as-built, online, hibernate or all, not ${JSON.stringify(residency)}`,
    };
  const storage = str("storage") ?? "kv";
  if (!(STORAGE_BACKENDS as readonly string[]).includes(storage))
    return { error: `--storage takes kv or sqlite, not ${JSON.stringify(storage)}` };
  const get = (name: keyof typeof NUMBERS) => n.get(name) as number;
  const messages = get("messages");
  return {
    help: false,
    options: {
      principals: get("principals"),
      profile: {
        buddies: get("buddies"),
        hoursOnline: get("hours-online"),
        perDay: {
          signIn: get("sign-ins"),
          tabOpen: get("tabs"),
          tabClose: get("tabs"),
          presenceChange: get("presence"),
          deviceIdle: get("idle"),
          messageSend: messages,
          messageRead: messages / 2,
          typing: messages,
        },
        retentionDays: get("retention-days"),
      },
      residencies: residency === "all" ? [...RESIDENCIES] : [residency as Residency],
      storage: storage as StorageBackend,
      ops: str("ops"),
      pricing: str("pricing"),
      json: values.json === true,
    },
  };
}
