import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseOptions } from "./options.ts";

const seed = () => 42;

describe("chaos options", () => {
  it("has defaults, and takes every option", () => {
    expect(parseOptions([], seed)).toEqual({
      help: false,
      options: { minutes: 1, principals: 10, seed: 42, killEverySeconds: 20, dropRate: 0.05, log: undefined },
    });
    const all = ["--minutes", "0.5", "--principals", "50", "--seed", "7", "--kill-every", "0"];
    expect(parseOptions([...all, "--drop-rate", "0.2", "--log", "/tmp/x"], seed)).toEqual({
      help: false,
      options: { minutes: 0.5, principals: 50, seed: 7, killEverySeconds: 0, dropRate: 0.2, log: "/tmp/x" },
    });
    expect(parseOptions(["--help"], seed)).toEqual({ help: true });
  });

  it.each([
    [["--minutes", "0"], /--minutes takes a positive number/],
    [["--minutes", "abc"], /--minutes takes a positive number/],
    [["--principals", "1"], /--principals takes a whole number from 2/],
    [["--principals", "2.5"], /--principals takes a whole number/],
    [["--seed=-1"], /--seed takes a whole number/],
    [["--kill-every", "1"], /--kill-every takes 0 \(never\) or at least 2/],
    [["--drop-rate", "1.5"], /--drop-rate takes a number from 0 to 1/],
    [["--drop-rate", ""], /--drop-rate takes a number/],
    [["--no-such-option"], /Unknown option/],
    [["extra"], /positional/],
  ])("refuses %j", (argv, message) => {
    const parsed = parseOptions(argv, seed);
    expect(parsed).toHaveProperty("error");
    expect((parsed as { error: string }).error).toMatch(message);
  });
});

const ROOT = join(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");

it("npm run chaos refuses a bad option with the usage and exit code 2, and --help prints it", () => {
  const bad = spawnSync(TSX, ["bench/chaos/run.ts", "--principals", "abc"], { cwd: ROOT, encoding: "utf8" });
  expect(bad.status, bad.stdout + bad.stderr).toBe(2);
  expect(bad.stderr).toMatch(/--principals takes a whole number/);
  expect(bad.stderr).toMatch(/usage: npm run chaos/);
  const help = spawnSync(TSX, ["bench/chaos/run.ts", "--help"], { cwd: ROOT, encoding: "utf8" });
  expect(help.status).toBe(0);
  expect(help.stdout).toMatch(/--kill-every S/);
  expect(help.stdout).toMatch(/--drop-rate P/);
}, 60_000); // two tsx start-ups, on a busy machine
