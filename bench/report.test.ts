import { describe, expect, it } from "vitest";
import { type BenchResults, fanoutWithoutTail, memoryGoalMet, toMarkdown } from "./report.ts";
import type { Summary } from "./stats.ts";

const latency = (p50: number, p99: number): Summary => ({ count: 10, p50, p95: p99, p99, max: p99 });

const results: BenchResults = {
  date: "2026-01-01T00:00:00.000Z",
  cores: 2,
  node: "20.0.0",
  options: {},
  baseline: latency(0.5, 1),
  bare: {
    fanout: [
      { leaves: 10, via: "http", latency: latency(10, 20) },
      { leaves: 10, via: "socket", latency: latency(5, 10) },
    ],
    relay: [{ rate: 20, latency: latency(2, 4), sent: 20, received: 20 }],
    relayStored: [{ rate: 20, latency: latency(4, 8), sent: 20, received: 19 }],
  },
  messages: {
    users: 10,
    rates: [
      {
        rate: 20,
        latency: latency(8, 16),
        sent: 20,
        acknowledged: 20,
        delivered: 20,
        failed: 0,
        failures: {},
      },
    ],
    highestRateUnder100ms: 20,
  },
  fanout: [
    {
      subscribers: 10,
      latency: latency(21, 30),
      notificationsPer10Changes: { mean: 2, max: 2 },
      lastIsFinal: true,
    },
  ],
  tmpfs: {
    relayStored: [{ rate: 500, latency: latency(3, 20), sent: 2500, received: 2500 }],
    messages: {
      users: 10,
      rates: [
        {
          rate: 500,
          latency: latency(6, 30),
          sent: 2500,
          acknowledged: 2500,
          delivered: 2500,
          failed: 0,
          failures: {},
        },
      ],
      highestRateUnder100ms: 500,
    },
  },
  notes: [],
  complete: true,
};

describe("toMarkdown", () => {
  const table = toMarkdown(results).split("\n");
  const row = (start: string) => table.find((line) => line.startsWith(`| ${start}`)) ?? "";

  it("has a row for every bare figure", () => {
    expect(row("bare baseline: one request to a hub room → 10 rooms by room-to-room HTTP")).toContain(
      "p50 10 ms, p99 20 ms",
    );
    expect(row("bare baseline: one request to a hub room → 10 rooms over room-to-room sockets")).toContain(
      "p50 5 ms",
    );
    expect(row("bare baseline: relay at 20/s, socket → room → HTTP → room → socket")).toContain(
      "received 20/20",
    );
    expect(
      row("bare baseline: relay at 20/s, socket → room (stores it) → HTTP → room (stores it)"),
    ).toContain("received 19/20");
  });

  it("sets each real fan-out and message figure against its bare floor (p50, p99)", () => {
    expect(row("fan-out: one change to 10")).toContain(
      "2.1×, 1.5× bare HTTP fan-out; 4.2×, 3.0× bare socket fan-out",
    );
    expect(row("instant messages at 20/s")).toContain("4.0×, 4.0× bare relay; 2.0×, 2.0× bare stored relay");
  });

  it("reports the tmpfs run as a diagnostic beside its own bare floor", () => {
    expect(row("diagnostic, storage on tmpfs: bare relay at 500/s")).toContain("received 2500/2500");
    expect(row("diagnostic, storage on tmpfs: instant messages at 500/s")).toContain(
      "2.0×, 1.5× bare stored relay",
    );
  });

  it("keeps every row to the same five columns", () => {
    const cells = (line: string) => line.replaceAll(/[^|]/g, "").length;
    for (const line of table.filter((l) => l.startsWith("|"))) expect(cells(line)).toBe(6);
  });

  it("judges the fan-out goals at 500 subscribers only, and shows the other sizes", () => {
    const sized = (subscribers: number, p99: number, max: number) => ({
      subscribers,
      latency: latency(p99 / 2, p99),
      notificationsPer10Changes: { mean: max, max },
      lastIsFinal: true,
    });
    const rows = toMarkdown({ ...results, fanout: [sized(500, 90, 2), sized(1000, 400, 3)] }).split("\n");
    const row = (start: string) => rows.find((l) => l.startsWith(start)) ?? "";
    expect(row("| fan-out: one change to 500 ")).toMatch(
      /\| p99 ≤ 2× p50; p50 ≤ 1\.4× bare socket fan-out \| \*\*missed\*\* \|$/, // no bare floor at 500 here
    );
    expect(row("| coalescing: notifications per subscriber for 10 changes in 1 s (500)")).toMatch(
      /\| ≤ 2, last final \| met \|$/,
    );
    expect(row("| fan-out: one change to 1000 ")).toMatch(/\| – \| {2}\|$/);
    expect(row("| coalescing: notifications per subscriber for 10 changes in 1 s (1000)")).toMatch(
      /mean 3, max 3; last is final: yes \| \| – \| {2}\|$/,
    );
  });

  it("leaves the column empty where there is no bare run", () => {
    const { bare: _, ...withoutBare } = results;
    expect(toMarkdown(withoutBare)).toContain("(42.0× echo), p99 30 ms, max 30 ms |  | – |");
  });
});

describe("the fan-out goal at 500 subscribers", () => {
  it.each([
    { case: "no tail, near the bare floor", p50: 50, p99: 90, bare: 40, met: true },
    { case: "a tail: p99 more than twice p50", p50: 50, p99: 101, bare: 40, met: false },
    { case: "far from the bare socket fan-out", p50: 57, p99: 60, bare: 40, met: false },
    { case: "exactly at both bounds", p50: 56, p99: 112, bare: 40, met: true },
    { case: "no bare floor measured", p50: 50, p99: 60, bare: undefined, met: false },
  ])("$case: $met", ({ p50, p99, bare, met }) => {
    expect(fanoutWithoutTail(latency(p50, p99), bare === undefined ? undefined : latency(bare, bare))).toBe(
      met,
    );
  });
});

describe("the message goal at 500 a second", () => {
  const at500 = (p99: number, acknowledged: number) =>
    toMarkdown({
      ...results,
      messages: {
        users: 200,
        rates: [
          {
            rate: 500,
            latency: latency(5, p99),
            sent: 2500,
            acknowledged,
            delivered: acknowledged,
            failed: 0,
            failures: {},
          },
        ],
        highestRateUnder100ms: 500,
      },
    })
      .split("\n")
      .find((l) => l.startsWith("| instant messages at 500/s")) ?? "";
  it.each([
    { p99: 40, acknowledged: 2500, verdict: "met" },
    { p99: 50, acknowledged: 2500, verdict: "met" },
    { p99: 51, acknowledged: 2500, verdict: "**missed**" },
    { p99: 40, acknowledged: 2499, verdict: "**missed**" },
  ])("p99 $p99 ms, $acknowledged of 2500 acknowledged: $verdict", ({ p99, acknowledged, verdict }) => {
    expect(at500(p99, acknowledged)).toMatch(
      new RegExp(`\\| p99 ≤ 50 ms; acks = sent \\| ${verdict.replaceAll("*", "\\*")} \\|$`),
    );
  });
});

describe("the memory goal: 70 KiB per idle socket", () => {
  const connections = (perConnectionKiB: number, rssAfterMiB: number) => ({
    sockets: 2000,
    principals: 200,
    rssBeforeMiB: 400,
    rssAfterMiB,
    perConnectionKiB,
    perConnectionWorkerdKiB: perConnectionKiB + 10,
  });
  it.each([
    { perSocket: 60, rss: 600, met: true },
    { perSocket: 70, rss: 600, met: true },
    { perSocket: 70.1, rss: 600, met: false },
    { perSocket: 145, rss: 711, met: false },
    { perSocket: 60, rss: 1025, met: false },
  ])("$perSocket KiB per socket, $rss MiB in all: $met", ({ perSocket, rss, met }) => {
    expect(memoryGoalMet(connections(perSocket, rss))).toBe(met);
    const row =
      toMarkdown({ ...results, connections: connections(perSocket, rss) })
        .split("\n")
        .find((l) => l.startsWith("| 2000 idle authenticated sockets")) ?? "";
    expect(row).toMatch(
      new RegExp(`\\| ≤ 70 KiB per socket, ≤ 1 GiB \\| ${met ? "met" : "\\*\\*missed\\*\\*"} \\|$`),
    );
  });

  it("sets the figure against a bare hibernating socket's, with workerd's own share", () => {
    const row =
      toMarkdown({
        ...results,
        connections: connections(145, 711),
        connectionsBare: { sockets: 2000, perConnectionKiB: 145, perConnectionWorkerdKiB: 170 },
      })
        .split("\n")
        .find((l) => l.startsWith("| 2000 idle authenticated sockets")) ?? "";
    expect(row).toContain("145 KiB per socket (workerd alone 155 KiB)");
    expect(row).toContain("1.0× bare hibernating socket (145 KiB (workerd alone 170 KiB))");
  });
});
