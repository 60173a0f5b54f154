import {
  ConversationListSchema,
  type ConversationSummary,
  DeliverableSchema,
  type HistoryPage,
  HistoryPageSchema,
  OkSchema,
} from "@pim/protocol";
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { request, roomPath } from "../../lib/api.ts";

/** My conversations with their last message and unread count; kept live by the socket. */
export function conversationsQueryOptions(handle: string) {
  return queryOptions({
    queryKey: ["conversations", handle] as const,
    queryFn: async (): Promise<ConversationSummary[]> =>
      (await request(roomPath(handle, "/conversations"), ConversationListSchema)).conversations,
    // Socket events keep it current; a refetch racing them could bring back an older state.
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** The start of every conversation's history key: to read them all again after a reconnect. */
export function historyQueryPrefix(handle: string) {
  return ["history", handle] as const;
}

/** One conversation's history, newest page first, older pages as I scroll back. */
export function historyQueryOptions(handle: string, peer: string) {
  return infiniteQueryOptions({
    queryKey: [...historyQueryPrefix(handle), peer] as const,
    queryFn: ({ pageParam }): Promise<HistoryPage> =>
      request(
        roomPath(
          handle,
          `/conversations/${encodeURIComponent(peer)}/messages${pageParam ? `?before=${pageParam}` : ""}`,
        ),
        HistoryPageSchema,
      ),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page) => page.before,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** The start of every "would they accept it" key: to ask them all again after a reconnect. */
export function deliverableQueryPrefix(handle: string) {
  return ["deliverable", handle] as const;
}

/** Would this person accept a message from me now? Shown before I send. */
export function deliverableQueryOptions(handle: string, peer: string) {
  return queryOptions({
    queryKey: [...deliverableQueryPrefix(handle), peer] as const,
    queryFn: () =>
      request(roomPath(handle, `/conversations/${encodeURIComponent(peer)}/deliverable`), DeliverableSchema),
    refetchInterval: 15_000,
    retry: false,
  });
}

export function deleteMessage(handle: string, peer: string, seq: number) {
  return request(roomPath(handle, `/conversations/${encodeURIComponent(peer)}/messages/${seq}`), OkSchema, {
    method: "DELETE",
  });
}

export function deleteConversation(handle: string, peer: string) {
  return request(roomPath(handle, `/conversations/${encodeURIComponent(peer)}`), OkSchema, {
    method: "DELETE",
  });
}

/** When `from` last told me they were typing (0: they stopped, or never did). Socket events only. */
export function typingQueryOptions(handle: string, from: string) {
  return queryOptions({
    queryKey: ["typing", handle, from] as const,
    queryFn: () => 0,
    staleTime: Number.POSITIVE_INFINITY,
  });
}
