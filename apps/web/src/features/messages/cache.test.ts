import type { ConversationSummary, HistoryPage, StoredMessage } from "@pim/protocol";
import { type InfiniteData, QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { applyMessageEvent } from "./cache.ts";
import { conversationsQueryOptions, historyQueryOptions } from "./queries.ts";

const me = "alice";
const message = (seq: number, from: string, state: StoredMessage["state"] = "delivered"): StoredMessage => ({
  id: `id-${from}-${seq}-xx`,
  conversation: "bob",
  from,
  to: from === me ? "bob" : me,
  text: `m${seq}`,
  sentAt: 1000 + seq,
  seq,
  state,
});

function setup() {
  const client = new QueryClient();
  client.setQueryData(conversationsQueryOptions(me).queryKey, [] as ConversationSummary[]);
  client.setQueryData(historyQueryOptions(me, "bob").queryKey, {
    pages: [{ messages: [] }],
    pageParams: [undefined],
  } as InfiniteData<HistoryPage, number | undefined>);
  const summary = () => client.getQueryData(conversationsQueryOptions(me).queryKey)?.[0];
  const shown = () =>
    client
      .getQueryData(historyQueryOptions(me, "bob").queryKey)
      ?.pages.flatMap((p) => p.messages.map((m) => m.seq));
  const stored = (m: StoredMessage) => applyMessageEvent(client, me, { type: "message.stored", message: m });
  return { client, summary, shown, stored };
}

describe("socket message events in the query cache", () => {
  it("counts each received message once as unread, however often it is stored again", () => {
    const { summary, stored } = setup();
    stored(message(1, "bob"));
    stored(message(1, "bob"));
    stored(message(2, me, "sending"));
    stored(message(2, me, "delivered"));
    stored(message(3, "bob"));
    expect(summary()).toMatchObject({ with: "bob", unread: 2, lastSeq: 3, last: { seq: 3 } });
  });

  it("keeps history newest first without duplicates, whatever the arrival order", () => {
    const { shown, stored } = setup();
    stored(message(2, "bob"));
    stored(message(1, me));
    stored(message(2, "bob"));
    stored(message(3, me));
    expect(shown()).toEqual([3, 2, 1]);
  });

  it("a read on another tab clears unread here; a deleted message leaves the history", () => {
    const { client, summary, shown, stored } = setup();
    stored(message(1, "bob"));
    stored(message(2, "bob"));
    applyMessageEvent(client, me, { type: "conversation.read", conversation: "bob", upToSeq: 2, unread: 0 });
    expect(summary()).toMatchObject({ unread: 0, readUpTo: 2 });
    applyMessageEvent(client, me, { type: "message.deleted", conversation: "bob", seq: 1 });
    expect(shown()).toEqual([2]);
  });
});
