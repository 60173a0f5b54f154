import { QueryClient } from "@tanstack/react-query";
import { beforeEach, describe, expect, it } from "vitest";
import { memoryLocalStorage } from "../../test-support/memory-local-storage.ts";
import { type OutboxEntry, outboxQueryOptions, putInOutbox, settle, unsent } from "./outbox.ts";

const me = "alice";
const entry = (id: string, createdAt: number): OutboxEntry => ({
  id,
  to: "bob",
  text: id,
  createdAt,
  state: "sending",
});

// One browser's localStorage, shared by its tabs (each tab is its own QueryClient).
memoryLocalStorage();

/** A tab that has shown its outbox once (its cache holds what was stored then). */
async function openTab(): Promise<QueryClient> {
  const tab = new QueryClient();
  await tab.fetchQuery(outboxQueryOptions(me));
  return tab;
}

describe("the outbox is one for every tab of a browser", () => {
  it("a message written offline in one tab survives another tab's sending and settling", async () => {
    const offlineTab = await openTab();
    const onlineTab = await openTab(); // its copy of the outbox is empty
    putInOutbox(offlineTab, me, entry("x-written-offline", 1));
    putInOutbox(onlineTab, me, entry("y-sent-online", 2));
    settle(onlineTab, me, { type: "message.ack", id: "y-sent-online", state: "delivered" });
    // Any tab that connects next resends X.
    expect(unsent(me).map((e) => e.id)).toEqual(["x-written-offline"]);
    expect(onlineTab.getQueryData(outboxQueryOptions(me).queryKey)?.map((e) => e.id)).toEqual([
      "x-written-offline",
    ]);
  });

  it("resends oldest first and leaves failed ones to the person", async () => {
    const tab = await openTab();
    putInOutbox(tab, me, entry("second", 2));
    putInOutbox(tab, me, entry("first", 1));
    putInOutbox(tab, me, entry("refused", 0));
    settle(tab, me, { type: "message.ack", id: "refused", state: "failed", reason: "Not delivered." });
    expect(unsent(me).map((e) => e.id)).toEqual(["first", "second"]);
  });
});
