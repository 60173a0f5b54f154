import type { AccessAction, WatcherInfo } from "@pim/protocol";
import { describe, expect, it } from "vitest";
import { watcherStateLabel } from "./labels.ts";

const watcher = (state: WatcherInfo["state"], action?: AccessAction): WatcherInfo => ({
  id: action ? "bob" : "anonymous:0011",
  handle: action ? "bob" : null,
  kind: "subscriber",
  state,
  firstAt: 0,
  lastAt: 0,
  counts: { hour: 0, day: 0, month: 0 },
  flagged: false,
  ...(action ? { action } : {}),
});

describe("watcherStateLabel", () => {
  it.each([
    { case: "allowed", w: watcher("active", "allow"), label: "Sees you" },
    { case: "polite-blocked", w: watcher("active", "polite-block"), label: "Sees you as offline" },
    { case: "waiting", w: watcher("pending", "confirm"), label: "Waiting for you" },
    {
      case: "polite-blocked, but the subscription ended",
      w: watcher("ended", "polite-block"),
      label: "Ended",
    },
    { case: "anonymous (no action is told)", w: watcher("active"), label: "Sees you" },
  ])("$case", ({ w, label }) => {
    expect(watcherStateLabel(w)).toBe(label);
  });
});
