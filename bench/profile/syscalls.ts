/** One system call's line in `perf trace -s`: how often one thread made it, and the time inside. */
export type SyscallRow = { syscall: string; calls: number; errors: number; ms: number };

/** One thread's block of `perf trace -s`. */
export type ThreadSyscalls = { thread: string; tid: number; rows: SyscallRow[] };

const THREAD = /^\s*(.+?) \((\d+)\), \d+ events/;
const ROW = /^\s+([a-z_0-9]+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+[\d.]+\s+[\d.]+\s+[\d.]+/;

/** Per thread, the rows of perf trace's summary (`-s`), most time inside first. */
export function parseTraceSummary(text: string): ThreadSyscalls[] {
  const threads: ThreadSyscalls[] = [];
  let current: ThreadSyscalls | undefined;
  for (const line of text.split("\n")) {
    const thread = THREAD.exec(line);
    if (thread) {
      current = { thread: thread[1] as string, tid: Number(thread[2]), rows: [] };
      threads.push(current);
      continue;
    }
    const row = ROW.exec(line);
    if (row && current)
      current.rows.push({
        syscall: row[1] as string,
        calls: Number(row[2]),
        errors: Number(row[3]),
        ms: Number(row[4]),
      });
  }
  for (const t of threads) t.rows.sort((a, b) => b.ms - a.ms);
  return threads;
}

/** Adds up what several traces saw, thread by thread and call by call. */
export function mergeTraces(traces: ThreadSyscalls[][]): ThreadSyscalls[] {
  const byTid = new Map<number, { thread: string; rows: Map<string, SyscallRow> }>();
  for (const trace of traces) {
    for (const t of trace) {
      const entry = byTid.get(t.tid) ?? { thread: t.thread, rows: new Map<string, SyscallRow>() };
      for (const row of t.rows) {
        const sum = entry.rows.get(row.syscall);
        entry.rows.set(
          row.syscall,
          sum
            ? { ...sum, calls: sum.calls + row.calls, errors: sum.errors + row.errors, ms: sum.ms + row.ms }
            : { ...row },
        );
      }
      byTid.set(t.tid, entry);
    }
  }
  return [...byTid.entries()].map(([tid, { thread, rows }]) => ({
    thread,
    tid,
    rows: [...rows.values()].sort((a, b) => b.ms - a.ms),
  }));
}

/** System calls that wait for the disk: each is a commit the calling thread waits for. */
export const DISK_SYNC_CALLS = new Set(["fsync", "fdatasync", "sync_file_range", "msync"]);

/** Disk commits a thread waited for: how many, and the time inside them. */
export function diskCommits(rows: SyscallRow[]): { calls: number; ms: number } {
  const sync = rows.filter((r) => DISK_SYNC_CALLS.has(r.syscall));
  return { calls: sync.reduce((a, r) => a + r.calls, 0), ms: sync.reduce((a, r) => a + r.ms, 0) };
}
