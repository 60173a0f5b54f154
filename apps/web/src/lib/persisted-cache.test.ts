import { QueryClient } from "@tanstack/react-query";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { memoryLocalStorage } from "../test-support/memory-local-storage.ts";
import { forgetCache, persistCache, restoreCache } from "./persisted-cache.ts";

// One browser's localStorage.
memoryLocalStorage();

/** A visit that knew the session, the buddies, a fetched presence and a typing notice. */
async function firstVisit(): Promise<void> {
  vi.useFakeTimers();
  const client = new QueryClient();
  const stop = persistCache(client);
  localStorage.setItem("pim.handle", "alice");
  client.setQueryData(["session"], { handle: "alice", sessionId: "s1", expiresAt: 1 });
  client.setQueryData(["buddies", "alice"], [{ handle: "bob", state: "active", since: 0 }]);
  client.setQueryData(["presence", "fetched", "alice", "carol"], { handle: "carol", status: "open" });
  client.setQueryData(["typing", "alice", "bob"], 5);
  await vi.advanceTimersByTimeAsync(1_100);
  stop();
  vi.useRealTimers();
}

describe("the last visit's cache", () => {
  it("comes back before the first render: the session and the lists, not one-off answers", async () => {
    await firstVisit();
    const next = new QueryClient();
    restoreCache(next);
    expect(next.getQueryData(["session"])).toMatchObject({ handle: "alice" });
    expect(next.getQueryData(["buddies", "alice"])).toHaveLength(1);
    expect(next.getQueryData(["presence", "fetched", "alice", "carol"])).toBeUndefined();
    expect(next.getQueryData(["typing", "alice", "bob"])).toBeUndefined();
    // Shown, but checked again at once.
    expect(next.getQueryState(["session"])?.isInvalidated).toBe(true);
  });

  it("is another principal's: nothing comes back", async () => {
    await firstVisit();
    localStorage.setItem("pim.handle", "mallory");
    const next = new QueryClient();
    restoreCache(next);
    expect(next.getQueryData(["session"])).toBeUndefined();
  });

  it("is forgotten on sign-out", async () => {
    await firstVisit();
    forgetCache();
    const next = new QueryClient();
    restoreCache(next);
    expect(next.getQueryData(["buddies", "alice"])).toBeUndefined();
  });
});
