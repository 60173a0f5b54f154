import { mergeMessages } from "@pim/model";
import type { StoredMessage } from "@pim/protocol";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useRef } from "react";
import { useSendToRoom } from "../../lib/room-sender.ts";
import { useHandle } from "../session/useSession.ts";
import { type OutboxEntry, outboxQueryOptions, putInOutbox, removeFromOutbox } from "./outbox.ts";
import {
  conversationsQueryOptions,
  deleteConversation,
  deleteMessage,
  deliverableQueryOptions,
  historyQueryOptions,
} from "./queries.ts";

/** A message as the conversation shows it: stored by the room, or still in my outbox. */
export type ShownMessage = Omit<StoredMessage, "seq"> & { seq?: number };

export function useConversations() {
  return useQuery(conversationsQueryOptions(useHandle()));
}

/** Total unread, for the page title and the navigation. */
export function useUnreadTotal(): number {
  const { data = [] } = useConversations();
  return data.reduce((sum, c) => sum + c.unread, 0);
}

/** One conversation: stored history (paged) merged with my unacknowledged messages, in order. */
export function useConversation(peer: string) {
  const handle = useHandle();
  const history = useInfiniteQuery(historyQueryOptions(handle, peer));
  const { data: outbox = [] } = useQuery(outboxQueryOptions(handle));
  const stored = (history.data?.pages ?? []).flatMap((page) => page.messages).reverse();
  const pending: ShownMessage[] = outbox
    .filter((e) => e.to === peer)
    .map((e) => ({
      id: e.id,
      conversation: peer,
      from: handle,
      to: peer,
      text: e.text,
      sentAt: e.createdAt,
      state: e.state,
      ...(e.reason ? { reason: e.reason } : {}),
    }));
  // Stored copies win over outbox entries with the same id (their state is the room's).
  const messages = mergeMessages<ShownMessage>(pending, stored);
  return { history, messages };
}

export function useDeliverable(peer: string) {
  return useQuery(deliverableQueryOptions(useHandle(), peer));
}

/** Sends a message: into the outbox first (never lost), then to my room when the socket is open. */
export function useSendMessage(peer: string) {
  const handle = useHandle();
  const queryClient = useQueryClient();
  const sendToRoom = useSendToRoom();
  return useCallback(
    (text: string) => {
      const entry: OutboxEntry = {
        id: crypto.randomUUID(),
        to: peer,
        text,
        createdAt: Date.now(),
        state: "sending",
      };
      putInOutbox(queryClient, handle, entry);
      sendToRoom({ type: "message.send", id: entry.id, to: peer, text });
    },
    [handle, peer, queryClient, sendToRoom],
  );
}

/** Tries a failed message again, with the same id. */
export function useRetry() {
  const handle = useHandle();
  const queryClient = useQueryClient();
  const sendToRoom = useSendToRoom();
  return useCallback(
    (message: ShownMessage) => {
      putInOutbox(queryClient, handle, {
        id: message.id,
        to: message.to,
        text: message.text,
        createdAt: message.sentAt,
        state: "sending",
      });
      sendToRoom({ type: "message.send", id: message.id, to: message.to, text: message.text });
    },
    [handle, queryClient, sendToRoom],
  );
}

export function useDismiss() {
  const handle = useHandle();
  const queryClient = useQueryClient();
  return useCallback((id: string) => removeFromOutbox(queryClient, handle, id), [handle, queryClient]);
}

/** Marks a conversation read up to a message; every tab of mine hears it from the room. */
export function useMarkRead(peer: string) {
  const sendToRoom = useSendToRoom();
  return useCallback(
    (upToSeq: number) => sendToRoom({ type: "message.read", conversation: peer, upToSeq }),
    [peer, sendToRoom],
  );
}

/** Typing notices: at most one every few seconds while typing, and "stopped" once. */
export function useTypingNotice(peer: string) {
  const lastSent = useRef(0);
  const sendToRoom = useSendToRoom();
  return useCallback(
    (typing: boolean) => {
      const now = Date.now();
      if (typing && now - lastSent.current < 3_000) return;
      lastSent.current = typing ? now : 0;
      sendToRoom({ type: "typing", to: peer, typing });
    },
    [peer, sendToRoom],
  );
}

export function useDeleteMessage(peer: string) {
  const handle = useHandle();
  return useMutation({ mutationFn: (seq: number) => deleteMessage(handle, peer, seq) });
}

export function useDeleteConversation() {
  const handle = useHandle();
  return useMutation({ mutationFn: (peer: string) => deleteConversation(handle, peer) });
}
