import type { PresenceView } from "@pim/protocol";
import { describe, expect, it } from "vitest";
import { viewForWatcher } from "./watcher-view.ts";

const full: PresenceView = {
  handle: "alice",
  status: "open",
  availability: "busy",
  note: "deep work",
  lastSeen: 5,
  contact: "im:alice",
};

describe("viewForWatcher", () => {
  it.each([
    { case: "subscriber sees everything", subscribed: true, expected: full },
    { case: "others see the status only", subscribed: false, expected: { handle: "alice", status: "open" } },
  ])("$case", ({ subscribed, expected }) => {
    expect(viewForWatcher(full, subscribed)).toEqual(expected);
  });
});
