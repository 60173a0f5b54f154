import { describe, expect, it } from "vitest";
import { diskCommits, mergeTraces, parseTraceSummary } from "./syscalls.ts";

// What `perf trace -s` printed for workerd at 300 messages a second (abridged).
const SUMMARY = `
 Summary of events:

 workerd (4242), 61234 events, 87.8%

   syscall            calls  errors  total       min       avg       max       stddev
                                     (msec)    (msec)    (msec)    (msec)        (%)
   --------------- --------  ------ -------- --------- --------- ---------     ------
   fsync               3000      0  1890.000     0.196     0.630     4.368     11.05%
   fcntl              26968     12   410.500     0.014     0.015     0.062      7.79%
   epoll_wait          5339      0  9000.123     0.015     1.686    40.714     36.65%


 V8 DefaultWorke (4243), 1226 events, 2.1%

   syscall            calls  errors  total       min       avg       max       stddev
                                     (msec)    (msec)    (msec)    (msec)        (%)
   --------------- --------  ------ -------- --------- --------- ---------     ------
   futex                 33      0     2.654     0.015     0.080     0.714     36.65%
`;

describe("parseTraceSummary", () => {
  it("reads each thread's calls, most time inside first", () => {
    expect(parseTraceSummary(SUMMARY)).toEqual([
      {
        thread: "workerd",
        tid: 4242,
        rows: [
          { syscall: "epoll_wait", calls: 5339, errors: 0, ms: 9000.123 },
          { syscall: "fsync", calls: 3000, errors: 0, ms: 1890 },
          { syscall: "fcntl", calls: 26968, errors: 12, ms: 410.5 },
        ],
      },
      { thread: "V8 DefaultWorke", tid: 4243, rows: [{ syscall: "futex", calls: 33, errors: 0, ms: 2.654 }] },
    ]);
  });

  it.each([
    ["nothing", ""],
    ["perf's complaint", "Error:\tNo permissions to read /sys/kernel/tracing/events/raw_syscalls"],
    ["a summary of no events", "\n Summary of events:\n\n"],
  ])("finds no threads in %s", (_what, text) => {
    expect(parseTraceSummary(text)).toEqual([]);
  });
});

describe("mergeTraces", () => {
  it("adds calls, errors and time per thread and call", () => {
    const one = parseTraceSummary(SUMMARY);
    const [main] = mergeTraces([one, one]);
    expect(main?.rows.find((r) => r.syscall === "fsync")).toEqual({
      syscall: "fsync",
      calls: 6000,
      errors: 0,
      ms: 3780,
    });
    expect(main?.rows.find((r) => r.syscall === "fcntl")?.errors).toBe(24);
  });
});

describe("diskCommits", () => {
  it("counts fsync and its kin, nothing else", () => {
    expect(
      diskCommits([
        { syscall: "fsync", calls: 10, errors: 0, ms: 5 },
        { syscall: "fdatasync", calls: 2, errors: 0, ms: 1 },
        { syscall: "pwrite64", calls: 50, errors: 0, ms: 3 },
      ]),
    ).toEqual({ calls: 12, ms: 6 });
  });
});
