/** One sample of `perf script -F comm,tid,ip,sym,dso`: which thread was on a CPU, and where. */
export type CpuSample = { thread: string; tid: number; symbol: string; dso: string };

const LINE = /^\s*(.+?)\s+(\d+)\s+[0-9a-f]+\s+(.*)$/;

export function parsePerfScript(text: string): CpuSample[] {
  const samples: CpuSample[] = [];
  for (const line of text.split("\n")) {
    const match = LINE.exec(line);
    if (!match) continue;
    const rest = match[3] as string;
    // The symbol may itself hold parentheses (C++ signatures); the library is the last group.
    const open = rest.lastIndexOf(" (");
    const symbol = open >= 0 ? rest.slice(0, open) : rest;
    const dso = open >= 0 ? rest.slice(open + 2, rest.endsWith(")") ? -1 : undefined) : "";
    samples.push({ thread: match[1] as string, tid: Number(match[2]), symbol, dso });
  }
  return samples;
}

/** Where a sample of workerd's time went, in words a reader of the benchmark can use. */
export type CpuPart =
  | "kernel (system calls, network, disk)"
  | "SQLite (room storage)"
  | "Cap'n Proto (workerd's RPC and config)"
  | "kj (workerd's event loop, I/O, promises)"
  | "workerd runtime (requests, sockets, storage API)"
  | "V8 garbage collection"
  | "V8 runtime"
  | "JavaScript builtins and interpreter"
  | "JIT-compiled JavaScript"
  | "memory allocation"
  | "other libraries"
  | "other";

const GC =
  /v8::internal::(Heap|Scaveng|MarkCompact|MinorMark|Mark|Sweep|Evacuat|Compactor|ConcurrentMarking|.*GC)/;
const ALLOCATION =
  /(^|[^a-z])(malloc|calloc|realloc|free|cfree|_int_malloc|_int_free|malloc_consolidate|tcmalloc|TCMalloc|operator new|operator delete)/;

/** The part a sample belongs to, by its library first and then its symbol. */
export function cpuPart(sample: Pick<CpuSample, "symbol" | "dso">): CpuPart {
  const { symbol, dso } = sample;
  if (dso.includes("kernel.kallsyms") || dso.startsWith("[vdso]"))
    return "kernel (system calls, network, disk)";
  if (symbol.includes("sqlite3")) return "SQLite (room storage)";
  if (symbol.includes("capnp::")) return "Cap'n Proto (workerd's RPC and config)";
  if (symbol.includes("kj::")) return "kj (workerd's event loop, I/O, promises)";
  if (symbol.includes("workerd::")) return "workerd runtime (requests, sockets, storage API)";
  if (GC.test(symbol)) return "V8 garbage collection";
  if (symbol.includes("v8::")) return "V8 runtime";
  if (symbol.startsWith("Builtins_") || symbol.startsWith("Builtin:"))
    return "JavaScript builtins and interpreter";
  if (ALLOCATION.test(symbol)) return "memory allocation";
  if (dso === "[unknown]" || dso.includes("perf-") || dso.includes("[JIT]")) return "JIT-compiled JavaScript";
  if (dso.includes(".so")) return "other libraries";
  return "other";
}

export type ThreadProfile = {
  thread: string;
  tid: number;
  samples: number;
  /** Share of the window this thread was on a CPU (samples / (rate × seconds)). */
  onCpu: number;
  /** Share of this thread's samples per part, largest first. */
  parts: { part: CpuPart; share: number }[];
  /** The functions it was most often found in, with their share of its samples. */
  top: { symbol: string; part: CpuPart; share: number }[];
};

const TOP_SYMBOLS = 40;

/** Per thread, busiest first: how much of the window it ran, and on what. */
export function threadProfiles(samples: CpuSample[], hz: number, seconds: number): ThreadProfile[] {
  const byTid = new Map<number, CpuSample[]>();
  for (const sample of samples) {
    const list = byTid.get(sample.tid) ?? [];
    list.push(sample);
    byTid.set(sample.tid, list);
  }
  return [...byTid.entries()]
    .map(([tid, list]) => {
      const counts = new Map<CpuPart, number>();
      const symbols = new Map<string, { part: CpuPart; count: number }>();
      for (const sample of list) {
        const part = cpuPart(sample);
        counts.set(part, (counts.get(part) ?? 0) + 1);
        const name = sample.symbol === "[unknown]" ? `[unknown] in ${sample.dso}` : sample.symbol;
        const seen = symbols.get(name) ?? { part, count: 0 };
        seen.count++;
        symbols.set(name, seen);
      }
      return {
        thread: list[0]?.thread ?? "",
        tid,
        samples: list.length,
        onCpu: seconds > 0 ? list.length / (hz * seconds) : 0,
        parts: [...counts.entries()]
          .map(([part, count]) => ({ part, share: count / list.length }))
          .sort((a, b) => b.share - a.share),
        top: [...symbols.entries()]
          .map(([symbol, { part, count }]) => ({ symbol, part, share: count / list.length }))
          .sort((a, b) => b.share - a.share)
          .slice(0, TOP_SYMBOLS),
      };
    })
    .sort((a, b) => b.samples - a.samples);
}
