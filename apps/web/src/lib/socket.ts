import {
  CLOSE_CODES,
  type ClientMessage,
  canonicalHandle,
  decodeFrame,
  type ServerMessage,
  ServerMessageSchema,
} from "@pim/protocol";
import { type QueryClient, queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import PartySocket from "partysocket";
import { useEffect, useRef } from "react";
import { buddiesQueryOptions, subscribersQueryOptions } from "../features/buddies/queries.ts";
import { applyMessageEvent } from "../features/messages/cache.ts";
import { followOutbox, unsent } from "../features/messages/outbox.ts";
import { ownPresenceQueryOptions } from "../features/presence/queries.ts";
import { privacyQueryOptions, watchersQueryOptions } from "../features/privacy/queries.ts";
import { deviceLabel, fetchSession } from "../features/session/queries.ts";
import { signedOutNotice } from "../features/session/signed-out-notice.ts";
import { announce } from "../features/shell/announcements.ts";

export type SocketStatus = "connecting" | "connected" | "reconnecting";

/** The live socket's state, kept in the query cache like everything the UI reads. */
export function socketStatusQueryOptions() {
  return queryOptions({
    queryKey: ["socket-status"] as const,
    queryFn: (): SocketStatus => "connecting",
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** This tab's socket to its room, while it is open. */
let current: PartySocket | null = null;

/**
 * This tab asked to sign out. The room closes the session's sockets as it answers, and the close
 * can reach the tab before the answer does: it must not then read as "signed out in another tab".
 */
let signOutAsked = false;

export function askingToSignOut(asking: boolean): void {
  signOutAsked = asking;
}

/**
 * Sends a frame to my room now, if the socket is open. False otherwise: callers keep what must
 * not be lost (the outbox) and it goes out when the room greets the socket again.
 */
export function sendToRoom(message: ClientMessage): boolean {
  if (!current || current.readyState !== WebSocket.OPEN) return false;
  current.send(JSON.stringify(message));
  return true;
}

/** A tab with no input for this long counts as idle: its device turns "away". */
const IDLE_AFTER_MS = 5 * 60_000;

/** Writes one server event into the query cache, where the components read it. */
export function applyServerMessage(queryClient: QueryClient, handle: string, message: ServerMessage): void {
  switch (message.type) {
    case "hello":
      queryClient.setQueryData(socketStatusQueryOptions().queryKey, "connected");
      // Events missed while disconnected: read what the room holds now. (Buddies and my own
      // presence come with the greeting; everything else that events keep current is re-read.)
      for (const queryKey of [
        subscribersQueryOptions(handle).queryKey,
        watchersQueryOptions(handle).queryKey,
        privacyQueryOptions(handle).queryKey,
        ["conversations", handle],
        ["history", handle],
        ["deliverable", handle],
      ])
        void queryClient.invalidateQueries({ queryKey });
      return;
    case "presence.self":
      queryClient.setQueryData(ownPresenceQueryOptions(handle).queryKey, message.presence);
      return;
    case "buddies":
      queryClient.setQueryData(buddiesQueryOptions(handle).queryKey, message.buddies);
      return;
    case "buddy.updated":
      queryClient.setQueryData(buddiesQueryOptions(handle).queryKey, (list = []) => [
        ...list.filter((b) => b.handle !== message.buddy.handle),
        message.buddy,
      ]);
      return;
    case "buddy.removed":
      queryClient.setQueryData(buddiesQueryOptions(handle).queryKey, (list = []) =>
        list.filter((b) => b.handle !== message.handle),
      );
      return;
    case "subscriber.updated": {
      const before = queryClient
        .getQueryData(subscribersQueryOptions(handle).queryKey)
        ?.find((s) => s.handle === message.subscriber.handle);
      queryClient.setQueryData(subscribersQueryOptions(handle).queryKey, (list = []) => [
        message.subscriber,
        ...list.filter((s) => s.handle !== message.subscriber.handle),
      ]);
      if (message.subscriber.state === "pending" && before?.state !== "pending")
        announce(
          queryClient,
          `${message.subscriber.anonymous ? "An anonymous watcher" : message.subscriber.handle} asks to see your presence.`,
        );
      return;
    }
    case "message.ack":
    case "message.stored":
    case "message.deleted":
    case "conversation.read":
    case "conversation.deleted":
    case "typing":
      applyMessageEvent(queryClient, handle, message);
      return;
    case "watcher.updated":
      queryClient.setQueryData(watchersQueryOptions(handle).queryKey, (list) =>
        list ? [message.watcher, ...list.filter((w) => w.id !== message.watcher.id)] : list,
      );
      return;
    case "watcher.removed":
      queryClient.setQueryData(watchersQueryOptions(handle).queryKey, (list) =>
        list?.filter((w) => w.id !== message.id),
      );
      return;
    case "privacy.updated":
      void queryClient.invalidateQueries({ queryKey: privacyQueryOptions(handle).queryKey });
      return;
    case "pong":
    case "error":
      return;
    default: {
      const unhandled: never = message;
      console.warn("unhandled server message", unhandled);
    }
  }
}

/**
 * The one socket this tab opens: to its own room, authenticated by the session cookie. Events
 * go into the query cache. The session can end in two ways, and both sign this tab out instead
 * of reconnecting forever: the room closes the socket with 4401 (signed out, here or elsewhere),
 * or the server refuses the upgrade itself (HTTP 401/403: the cookie expired, was replaced by
 * another principal's, or the signing key changed), which a browser only sees as a failed
 * connection, so the room's session route is asked.
 */
export function useRoomSocket(handle: string, onSessionEnded: (notice: string | null) => void): void {
  const queryClient = useQueryClient();
  // The callback may change on every render; the socket must not reconnect because of it.
  const sessionEnded = useRef(onSessionEnded);
  sessionEnded.current = onSessionEnded;
  useEffect(() => {
    let disposed = false;
    signOutAsked = false;
    /** The room said hello since the socket last opened: the session was good then. */
    let greeted = false;
    let checking = false;
    const socket = new PartySocket({
      host: window.location.host,
      party: "user",
      room: canonicalHandle(handle),
      query: { device: deviceLabel() },
    });
    const setStatus = (status: SocketStatus) =>
      queryClient.setQueryData(socketStatusQueryOptions().queryKey, status);
    const end = (notice: string | null) => {
      if (disposed) return;
      disposed = true;
      socket.close(); // stops reconnecting: the session is over
      sessionEnded.current(notice);
    };
    /** A connection failed before the room greeted it: is it the session, or just the network? */
    const checkSession = async () => {
      if (checking) return;
      checking = true;
      try {
        if ((await fetchSession(handle)) === null) end("Your session has ended. Sign in again.");
      } catch {
        // Unreachable: says nothing about the session; partysocket keeps trying with backoff.
      } finally {
        checking = false;
      }
    };

    socket.addEventListener("message", (event: MessageEvent) => {
      const decoded = decodeFrame(ServerMessageSchema, event.data as string);
      if (!decoded.ok) {
        console.warn("undecodable server message", decoded.message);
        return;
      }
      applyServerMessage(queryClient, handle, decoded.value);
      if (decoded.value.type === "hello") {
        greeted = true;
        current = socket;
        // Whatever was sent but not acknowledged goes again, in order, with the same ids.
        for (const entry of unsent(handle)) {
          sendToRoom({ type: "message.send", id: entry.id, to: entry.to, text: entry.text });
        }
      }
    });
    socket.addEventListener("close", (event: CloseEvent) => {
      if (disposed) return;
      if (event.code === CLOSE_CODES.unauthorized) {
        // The room names why ("signed out everywhere"); shown as text, unless this tab asked.
        const asked = signOutAsked && ["signed out", "signed out everywhere"].includes(event.reason);
        end(asked ? null : signedOutNotice(event.reason));
        return;
      }
      if (current === socket) current = null;
      setStatus("reconnecting");
      if (!greeted) void checkSession();
      greeted = false;
    });

    // Idle detection: no input for a while turns this device "away"; any input brings it back.
    let idle = false;
    let timer = setTimeout(goIdle, IDLE_AFTER_MS);
    function goIdle() {
      idle = true;
      socket.send(JSON.stringify({ type: "device.idle", idle: true }));
    }
    function activity() {
      clearTimeout(timer);
      timer = setTimeout(goIdle, IDLE_AFTER_MS);
      if (idle) {
        idle = false;
        socket.send(JSON.stringify({ type: "device.idle", idle: false }));
      }
    }
    const events = ["pointerdown", "keydown", "mousemove", "focus"] as const;
    for (const name of events) window.addEventListener(name, activity, { passive: true });
    const unfollowOutbox = followOutbox(queryClient, handle);

    return () => {
      disposed = true;
      unfollowOutbox();
      if (current === socket) current = null;
      clearTimeout(timer);
      for (const name of events) window.removeEventListener(name, activity);
      socket.close();
    };
  }, [handle, queryClient]);
}

export function useSocketStatus(): SocketStatus {
  return useQuery(socketStatusQueryOptions()).data ?? "connecting";
}
