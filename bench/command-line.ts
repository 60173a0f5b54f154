/** What a command's option parser gives: --help, the options, or an error sentence for the user. */
export type ParsedOptions<T> = { help: true } | { help: false; options: T } | { error: string };

/**
 * One number option: the fallback when absent, else the number when `valid`, else a sentence
 * saying what it takes (for the usage error).
 */
export function numberOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  valid: (n: number) => boolean,
  what: string,
): number | string {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || !valid(n))
    return `--${name} takes ${what}, not ${JSON.stringify(raw)}`;
  return n;
}

/** The options, or the process ends: the error above the usage (exit 2), or the usage for --help (exit 0). */
export function optionsOrExit<T>(parsed: ParsedOptions<T>, usage: string): T {
  if ("error" in parsed) {
    console.error(`${parsed.error}\n\n${usage}`);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(usage);
    process.exit(0);
  }
  return parsed.options;
}
