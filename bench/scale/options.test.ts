import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PROFILE } from "./model.ts";
import { parseOptions } from "./options.ts";

describe("scale options", () => {
  it("has defaults, and takes every option", () => {
    expect(parseOptions([])).toEqual({
      help: false,
      options: {
        principals: 1_000_000,
        profile: DEFAULT_PROFILE,
        residencies: ["as-built", "online", "hibernate"],
        storage: "kv",
        ops: undefined,
        pricing: undefined,
        json: false,
      },
    });
    const parsed = parseOptions([
      "--principals",
      "5000",
      "--buddies",
      "50",
      "--hours-online",
      "2.5",
      "--sign-ins",
      "2",
      "--tabs",
      "3",
      "--presence",
      "1",
      "--idle",
      "0",
      "--messages",
      "10",
      "--retention-days",
      "30",
      "--residency",
      "hibernate",
      "--storage",
      "sqlite",
      "--ops",
      "/tmp/ops.json",
      "--pricing",
      "/tmp/p.json",
      "--json",
    ]);
    expect(parsed).toEqual({
      help: false,
      options: {
        principals: 5000,
        profile: {
          buddies: 50,
          hoursOnline: 2.5,
          perDay: {
            signIn: 2,
            tabOpen: 3,
            tabClose: 3,
            presenceChange: 1,
            deviceIdle: 0,
            messageSend: 10,
            messageRead: 5,
            typing: 10,
          },
          retentionDays: 30,
        },
        residencies: ["hibernate"],
        storage: "sqlite",
        ops: "/tmp/ops.json",
        pricing: "/tmp/p.json",
        json: true,
      },
    });
    expect(parseOptions(["--help"])).toEqual({ help: true });
  });

  it.each([
    [["--principals", "0"], /--principals takes a whole number from 1/],
    [["--principals", "1.5"], /--principals takes a whole number/],
    [["--buddies=-1"], /--buddies takes a whole number from 0 to 1000/],
    [["--hours-online", "25"], /--hours-online takes a number of hours from 0 to 24/],
    [["--messages", "many"], /--messages takes a whole number/],
    [["--tabs", ""], /--tabs takes a whole number/],
    [["--residency", "sometimes"], /--residency takes as-built, online, hibernate or all/],
    [["--storage", "disk"], /--storage takes kv or sqlite/],
    [["--no-such-option"], /Unknown option/],
    [["extra"], /positional/],
  ])("refuses %j", (argv, message) => {
    const parsed = parseOptions(argv);
    expect(parsed).toHaveProperty("error");
    expect((parsed as { error: string }).error).toMatch(message);
  });
});

const ROOT = join(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");
const scale = (...args: string[]) =>
  spawnSync(TSX, ["bench/scale/run.ts", ...args], { cwd: ROOT, encoding: "utf8" });

describe("npm run scale", () => {
  it("prints its usage for --help, and a usage error (exit 2) for a bad option", () => {
    const help = scale("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/usage: npm run scale/);
    const bad = scale("--residency", "sometimes");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--residency takes[\s\S]*usage: npm run scale/);
  }, 60_000); // two tsx start-ups, on a busy machine

  it("names the file it cannot read", () => {
    const missing = scale("--ops", "/nonexistent/ops.json");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/could not read per-operation counts .*\/nonexistent\/ops\.json/);
  }, 30_000);
});
