import { parseArgs } from "node:util";
import { numberOption, type ParsedOptions } from "../command-line.ts";

export const USAGE = `usage: npm run chaos -- [options]
  --minutes M       how long the principals work before the checks (default 1; 0.5 = 30 s)
  --principals N    how many principals (default 10, at least 2)
  --seed N          the seed of every random choice (default: a random one, printed)
  --kill-every S    SIGKILL the whole server about every S seconds and restart it on the same
                    storage (default 20; 0 = never)
  --drop-rate P     chance (0 to 1) that a client's turn is a fault on its sockets instead:
                    a dropped socket, a client vanishing without closing, a client that stops
                    reading (default 0.05)
  --log FILE        where the operation log goes (default: a file in the temporary folder)
  --help            this text`;

export type ChaosOptions = {
  minutes: number;
  principals: number;
  seed: number;
  killEverySeconds: number;
  dropRate: number;
  log: string | undefined;
};

/** Reads the command line; an error is a sentence for the user, shown above the usage. */
export function parseOptions(argv: string[], randomSeed: () => number): ParsedOptions<ChaosOptions> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        minutes: { type: "string" },
        principals: { type: "string" },
        seed: { type: "string" },
        "kill-every": { type: "string" },
        "drop-rate": { type: "string" },
        log: { type: "string" },
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
  const minutes = numberOption(
    "minutes",
    str("minutes"),
    1,
    (n) => n > 0 && n <= 24 * 60,
    "a positive number of minutes",
  );
  const principals = numberOption(
    "principals",
    str("principals"),
    10,
    (n) => Number.isInteger(n) && n >= 2 && n <= 2000,
    "a whole number from 2 to 2000",
  );
  const seed = numberOption(
    "seed",
    str("seed"),
    randomSeed(),
    (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32,
    "a whole number from 0 to 4294967295",
  );
  const killEvery = numberOption(
    "kill-every",
    str("kill-every"),
    20,
    (n) => n === 0 || n >= 2,
    "0 (never) or at least 2 seconds",
  );
  const dropRate = numberOption(
    "drop-rate",
    str("drop-rate"),
    0.05,
    (n) => n >= 0 && n <= 1,
    "a number from 0 to 1",
  );
  for (const value of [minutes, principals, seed, killEvery, dropRate]) {
    if (typeof value === "string") return { error: value };
  }
  return {
    help: false,
    options: {
      minutes: minutes as number,
      principals: principals as number,
      seed: seed as number,
      killEverySeconds: killEvery as number,
      dropRate: dropRate as number,
      log: str("log"),
    },
  };
}
