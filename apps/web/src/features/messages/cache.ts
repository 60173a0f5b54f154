import type { ConversationSummary, HistoryPage, ServerMessage, StoredMessage } from "@pim/protocol";
import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import { announce } from "../shell/announcements.ts";
import { showNotification } from "./notifications.ts";
import { settle } from "./outbox.ts";
import { conversationsQueryOptions, historyQueryOptions, typingQueryOptions } from "./queries.ts";

type MessageEvent = Extract<
  ServerMessage,
  {
    type:
      | "message.ack"
      | "message.stored"
      | "message.deleted"
      | "conversation.read"
      | "conversation.deleted"
      | "typing";
  }
>;

/** Socket events about messages, written into the same query cache the HTTP queries fill. */
export function applyMessageEvent(queryClient: QueryClient, handle: string, event: MessageEvent): void {
  switch (event.type) {
    case "message.ack":
      settle(queryClient, handle, event);
      return;
    case "message.stored": {
      const isNew = storeInHistory(queryClient, handle, event.message);
      storeInSummary(queryClient, handle, event.message);
      if (isNew && event.message.from !== handle && !event.message.silent) {
        showNotification(event.message);
        announce(queryClient, `New message from ${event.message.from}: ${event.message.text.slice(0, 140)}`);
      }
      return;
    }
    case "message.deleted":
      queryClient.setQueryData(historyQueryOptions(handle, event.conversation).queryKey, (data) =>
        data ? mapPages(data, (messages) => messages.filter((m) => m.seq !== event.seq)) : data,
      );
      void queryClient.invalidateQueries({ queryKey: conversationsQueryOptions(handle).queryKey });
      return;
    case "conversation.read":
      queryClient.setQueryData(conversationsQueryOptions(handle).queryKey, (list) =>
        list?.map((c) =>
          c.with === event.conversation ? { ...c, unread: event.unread, readUpTo: event.upToSeq } : c,
        ),
      );
      return;
    case "conversation.deleted":
      queryClient.setQueryData(conversationsQueryOptions(handle).queryKey, (list) =>
        list?.filter((c) => c.with !== event.conversation),
      );
      queryClient.removeQueries({ queryKey: historyQueryOptions(handle, event.conversation).queryKey });
      return;
    case "typing":
      queryClient.setQueryData(
        typingQueryOptions(handle, event.from).queryKey,
        event.typing ? Date.now() : 0,
      );
      return;
    default: {
      const unhandled: never = event;
      console.warn("unhandled message event", unhandled);
    }
  }
}

function mapPages<P>(
  data: InfiniteData<HistoryPage, P>,
  change: (messages: StoredMessage[]) => StoredMessage[],
): InfiniteData<HistoryPage, P> {
  return { ...data, pages: data.pages.map((page) => ({ ...page, messages: change(page.messages) })) };
}

/** Puts a message in its conversation's loaded history; true if it was not there before. */
function storeInHistory(queryClient: QueryClient, handle: string, message: StoredMessage): boolean {
  const key = historyQueryOptions(handle, message.conversation).queryKey;
  const data = queryClient.getQueryData(key);
  // Not loaded (or being read again, after a reconnect): that read may have missed this message.
  if (!data || queryClient.isFetching({ queryKey: key }) > 0)
    void queryClient.invalidateQueries({ queryKey: key });
  if (!data)
    return !(queryClient.getQueryData(conversationsQueryOptions(handle).queryKey) ?? []).some(
      (c) => c.with === message.conversation && c.lastSeq >= message.seq,
    );
  const known = data.pages.some((page) => page.messages.some((m) => m.seq === message.seq));
  const next = known
    ? mapPages(data, (messages) => messages.map((m) => (m.seq === message.seq ? message : m)))
    : {
        ...data,
        pages: data.pages.map((page, i) =>
          i === 0 ? { ...page, messages: [message, ...page.messages].sort((a, b) => b.seq - a.seq) } : page,
        ),
      };
  queryClient.setQueryData(key, next);
  return !known;
}

function storeInSummary(queryClient: QueryClient, handle: string, message: StoredMessage): void {
  queryClient.setQueryData(conversationsQueryOptions(handle).queryKey, (list) => {
    if (!list) return list;
    const existing = list.find((c) => c.with === message.conversation);
    const incoming = message.from === message.conversation;
    const summary: ConversationSummary = existing
      ? {
          ...existing,
          ...(message.seq >= (existing.last?.seq ?? 0) ? { last: message } : {}),
          lastSeq: Math.max(existing.lastSeq, message.seq),
          unread: existing.unread + (incoming && message.seq > existing.lastSeq ? 1 : 0),
        }
      : {
          with: message.conversation,
          last: message,
          lastSeq: message.seq,
          readUpTo: 0,
          unread: incoming ? 1 : 0,
        };
    return [summary, ...list.filter((c) => c.with !== message.conversation)].sort(
      (a, b) => (b.last?.sentAt ?? 0) - (a.last?.sentAt ?? 0),
    );
  });
}
