import { describe, expect, it } from "vitest";
import { type CpuPart, cpuPart, parsePerfScript, threadProfiles } from "./cpu-samples.ts";

describe("parsePerfScript", () => {
  it("reads thread, id, symbol and library, also when the symbol holds parentheses", () => {
    const text = [
      " workerd  4242     55d0c0ffee v8::internal::Heap::Scavenge(v8::internal::GarbageCollector) (/usr/bin/workerd)",
      "workerd 4242 ffffffff8100 [unknown] ([kernel.kallsyms])",
      "kj-thread  4250  7fa97b1d6957 malloc (/usr/lib/x86_64-linux-gnu/libc.so.6)",
      "",
      "not a sample",
    ].join("\n");
    expect(parsePerfScript(text)).toEqual([
      {
        thread: "workerd",
        tid: 4242,
        symbol: "v8::internal::Heap::Scavenge(v8::internal::GarbageCollector)",
        dso: "/usr/bin/workerd",
      },
      { thread: "workerd", tid: 4242, symbol: "[unknown]", dso: "[kernel.kallsyms]" },
      { thread: "kj-thread", tid: 4250, symbol: "malloc", dso: "/usr/lib/x86_64-linux-gnu/libc.so.6" },
    ]);
  });
});

describe("cpuPart", () => {
  it.each<[string, string, CpuPart]>([
    ["[unknown]", "[kernel.kallsyms]", "kernel (system calls, network, disk)"],
    ["do_syscall_64", "[kernel.kallsyms]", "kernel (system calls, network, disk)"],
    ["sqlite3VdbeExec", "/usr/bin/workerd", "SQLite (room storage)"],
    [
      "capnp::_::PointerBuilder::getStruct(...)",
      "/usr/bin/workerd",
      "Cap'n Proto (workerd's RPC and config)",
    ],
    ["kj::_::ForkHub::fire()", "/usr/bin/workerd", "kj (workerd's event loop, I/O, promises)"],
    [
      "workerd::api::WebSocket::send(...)",
      "/usr/bin/workerd",
      "workerd runtime (requests, sockets, storage API)",
    ],
    ["v8::internal::Heap::CollectGarbage(...)", "/usr/bin/workerd", "V8 garbage collection"],
    ["v8::internal::ScavengerCollector::CollectGarbage()", "/usr/bin/workerd", "V8 garbage collection"],
    ["v8::internal::JsonParser<unsigned char>::ParseJson()", "/usr/bin/workerd", "V8 runtime"],
    ["Builtins_InterpreterEntryTrampoline", "/usr/bin/workerd", "JavaScript builtins and interpreter"],
    ["_int_malloc", "/usr/lib/x86_64-linux-gnu/libc.so.6", "memory allocation"],
    ["cfree@GLIBC_2.2.5", "/usr/lib/x86_64-linux-gnu/libc.so.6", "memory allocation"],
    ["[unknown]", "[unknown]", "JIT-compiled JavaScript"],
    ["memcpy", "/usr/lib/x86_64-linux-gnu/libc.so.6", "other libraries"],
    ["[unknown]", "/usr/bin/workerd", "other"],
  ])("%s in %s is %s", (symbol, dso, part) => {
    expect(cpuPart({ symbol, dso })).toBe(part);
  });
});

describe("threadProfiles", () => {
  it("gives each thread its share of the window and of its own samples, busiest first", () => {
    const sample = (tid: number, symbol: string, dso = "/usr/bin/workerd") => ({
      thread: tid === 1 ? "workerd" : "kj-thread",
      tid,
      symbol,
      dso,
    });
    const samples = [
      sample(2, "kj::EventLoop::run()"),
      sample(1, "kj::EventLoop::run()"),
      sample(1, "[unknown]", "[kernel.kallsyms]"),
      sample(1, "[unknown]", "[kernel.kallsyms]"),
      sample(1, "sqlite3VdbeExec"),
    ];
    // 10 Hz for 1 s: 10 samples would mean always on a CPU.
    const [main, other] = threadProfiles(samples, 10, 1);
    expect(main).toEqual({
      thread: "workerd",
      tid: 1,
      samples: 4,
      onCpu: 0.4,
      parts: [
        { part: "kernel (system calls, network, disk)", share: 0.5 },
        { part: "kj (workerd's event loop, I/O, promises)", share: 0.25 },
        { part: "SQLite (room storage)", share: 0.25 },
      ],
      top: [
        {
          symbol: "[unknown] in [kernel.kallsyms]",
          part: "kernel (system calls, network, disk)",
          share: 0.5,
        },
        { symbol: "kj::EventLoop::run()", part: "kj (workerd's event loop, I/O, promises)", share: 0.25 },
        { symbol: "sqlite3VdbeExec", part: "SQLite (room storage)", share: 0.25 },
      ],
    });
    expect(other).toMatchObject({ tid: 2, samples: 1, onCpu: 0.1 });
  });

  it("is empty without samples and does not divide by a zero window", () => {
    expect(threadProfiles([], 499, 0)).toEqual([]);
  });
});
