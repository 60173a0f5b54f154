import { writeFileSync } from "node:fs";

/** One thing that happened: who did what, and how it was answered. */
export type Op = { at: number; who: string; op: string; detail: string; outcome?: string };

/** Keeps at most this many operations (the oldest are dropped; the count stays true). */
const MAX_KEPT = 500_000;

/** The operation log of a run: enough to see what led to a violation, and to replay its seed. */
export class OpLog {
  readonly entries: Op[] = [];
  count = 0;
  readonly t0 = Date.now();

  add(who: string, op: string, detail: string, outcome?: string): void {
    this.count += 1;
    if (this.entries.length >= MAX_KEPT) this.entries.shift();
    this.entries.push({
      at: Date.now() - this.t0,
      who,
      op,
      detail,
      ...(outcome !== undefined ? { outcome } : {}),
    });
  }

  /**
   * What led to a violation: every operation naming one of `ids` exactly (a message id, with its
   * sends, acknowledgements and deletions), then the last `limit` of the principals in `who`.
   */
  involving(who: string[], limit = 25, ids: string[] = []): Op[] {
    const names = (e: Op) => `${e.detail} `.split(/[\s()]+/);
    const exact = ids.length ? this.entries.filter((e) => names(e).some((w) => ids.includes(w))) : [];
    const recent = this.entries.filter((e) => who.includes(e.who) || names(e).some((w) => who.includes(w)));
    return [...exact, ...recent.slice(-limit).filter((e) => !exact.includes(e))];
  }

  static format(op: Op): string {
    return `${(op.at / 1000).toFixed(3).padStart(9)}s ${op.who.padEnd(10)} ${op.op} ${op.detail}${op.outcome !== undefined ? ` -> ${op.outcome}` : ""}`;
  }

  write(path: string): void {
    writeFileSync(path, `${this.entries.map(OpLog.format).join("\n")}\n`);
  }
}
