import { CLOSE_CODES, type ServerMessage } from "@pim/protocol";
import { type QueryClient, type QueryKey, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef } from "react";
import { buddiesQueryOptions, subscribersQueryOptions } from "../features/buddies/queries.ts";
import { needsReload } from "../features/connection/protocol-version.ts";
import {
  type SocketStatus,
  serverProtocolQueryOptions,
  socketStatusQueryOptions,
} from "../features/connection/queries.ts";
import { applyMessageEvent } from "../features/messages/cache.ts";
import { followOutbox, unsent } from "../features/messages/outbox.ts";
import {
  conversationsQueryOptions,
  deliverableQueryPrefix,
  historyQueryPrefix,
} from "../features/messages/queries.ts";
import { ownPresenceQueryOptions } from "../features/presence/queries.ts";
import { privacyQueryOptions, watchersQueryOptions } from "../features/privacy/queries.ts";
import { deviceLabel, fetchSession, signOutAskedQueryOptions } from "../features/session/queries.ts";
import { signedOutNotice } from "../features/session/signed-out-notice.ts";
import { announce } from "../features/shell/announcements.ts";
import { watchIdle } from "../lib/idle.ts";
import type { SendToRoom } from "../lib/room-sender.ts";
import { openRoomSocket, type RoomSocket } from "../lib/room-socket.ts";
import { watchLiveness } from "../lib/socket-liveness.ts";

/**
 * The one module that knows every feature: it turns the room's events into the query cache each
 * feature reads (through the feature's own query options), and the socket's life into the
 * session's and the connection's state.
 */

/** A tab with no input for this long counts as idle: its device turns "away". */
const IDLE_AFTER_MS = 5 * 60_000;

/**
 * An event written into data whose re-read is on its way (after a reconnect's hello, say) would be
 * undone by that read's older answer: a watch request or a message would vanish from the screen
 * until the next reconnect. Read it again instead, after the event (the room stores before it
 * tells, so the new answer has it).
 */
function rereadIfInFlight(queryClient: QueryClient, queryKey: QueryKey): void {
  if (queryClient.isFetching({ queryKey }) === 0) return;
  void queryClient.invalidateQueries({
    queryKey,
    predicate: (query) => query.state.fetchStatus === "fetching",
    refetchType: "all",
  });
}

/** Writes one server event into the query cache, where the components read it. */
export function applyServerMessage(queryClient: QueryClient, handle: string, message: ServerMessage): void {
  switch (message.type) {
    case "hello":
      queryClient.setQueryData(socketStatusQueryOptions().queryKey, "connected");
      queryClient.setQueryData(serverProtocolQueryOptions().queryKey, message.protocol);
      // Events missed while disconnected: read what the room holds now. (Buddies and my own
      // presence come with the greeting; everything else that events keep current is re-read.)
      for (const queryKey of [
        subscribersQueryOptions(handle).queryKey,
        watchersQueryOptions(handle).queryKey,
        privacyQueryOptions(handle).queryKey,
        conversationsQueryOptions(handle).queryKey,
        historyQueryPrefix(handle),
        deliverableQueryPrefix(handle),
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
      rereadIfInFlight(queryClient, buddiesQueryOptions(handle).queryKey);
      // Whether they take messages now may follow their presence (refused while signed out):
      // an open conversation with them asks again at once, not at its next periodic read.
      void queryClient.invalidateQueries({
        queryKey: [...deliverableQueryPrefix(handle), message.buddy.handle],
      });
      return;
    case "buddy.removed":
      queryClient.setQueryData(buddiesQueryOptions(handle).queryKey, (list = []) =>
        list.filter((b) => b.handle !== message.handle),
      );
      rereadIfInFlight(queryClient, buddiesQueryOptions(handle).queryKey);
      return;
    case "subscriber.updated": {
      const before = queryClient
        .getQueryData(subscribersQueryOptions(handle).queryKey)
        ?.find((s) => s.handle === message.subscriber.handle);
      queryClient.setQueryData(subscribersQueryOptions(handle).queryKey, (list = []) => [
        message.subscriber,
        ...list.filter((s) => s.handle !== message.subscriber.handle),
      ]);
      rereadIfInFlight(queryClient, subscribersQueryOptions(handle).queryKey);
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
      if (message.type !== "typing") {
        rereadIfInFlight(queryClient, conversationsQueryOptions(handle).queryKey);
        rereadIfInFlight(queryClient, historyQueryPrefix(handle));
      }
      return;
    case "watcher.updated":
      queryClient.setQueryData(watchersQueryOptions(handle).queryKey, (list) =>
        list ? [message.watcher, ...list.filter((w) => w.id !== message.watcher.id)] : list,
      );
      rereadIfInFlight(queryClient, watchersQueryOptions(handle).queryKey);
      return;
    case "watcher.removed":
      queryClient.setQueryData(watchersQueryOptions(handle).queryKey, (list) =>
        list?.filter((w) => w.id !== message.id),
      );
      rereadIfInFlight(queryClient, watchersQueryOptions(handle).queryKey);
      return;
    case "privacy.updated":
      void queryClient.invalidateQueries({ queryKey: privacyQueryOptions(handle).queryKey });
      return;
    case "pong":
    case "error":
      return;
    case "closing":
      return; // the room socket reports it as its close (see openRoomSocket)
    default: {
      const unhandled: never = message;
      console.warn("unhandled server message", unhandled);
    }
  }
}

export type RoomConnection = {
  /** Sends once the room has greeted the socket; false before (or while reconnecting). */
  send: SendToRoom;
  dispose(): void;
};

/**
 * Follows one room socket: its events go into the cache; once greeted, whatever the outbox holds
 * goes again (in order, same ids), unless the room speaks another protocol version, when it waits
 * for the reload the update banner asks for. The session can end in two ways, and both sign this
 * tab out instead of reconnecting forever: the room closes the socket with 4401 (signed out, here
 * or elsewhere), or the server refuses the upgrade itself (HTTP 401/403: the cookie expired, was
 * replaced by another principal's, or the signing key changed), which a browser only sees as a
 * failed connection, so `checkSession` (the room's session route) is asked.
 */
export function followRoom(options: {
  queryClient: QueryClient;
  handle: string;
  socket: RoomSocket;
  onSessionEnded: (notice: string | null) => void;
  checkSession?: (handle: string) => Promise<unknown | null>;
}): RoomConnection {
  const { queryClient, handle, socket, onSessionEnded, checkSession = fetchSession } = options;
  let disposed = false;
  /** The room said hello since the socket last opened: the session was good then. */
  let greeted = false;
  let checking = false;
  queryClient.setQueryData(signOutAskedQueryOptions().queryKey, false);
  const setStatus = (status: SocketStatus) =>
    queryClient.setQueryData(socketStatusQueryOptions().queryKey, status);
  const end = (notice: string | null) => {
    if (disposed) return;
    dispose();
    onSessionEnded(notice);
  };
  /** A connection failed before the room greeted it: is it the session, or just the network? */
  const askSession = async () => {
    if (checking) return;
    checking = true;
    try {
      if ((await checkSession(handle)) === null) end("Your session has ended. Sign in again.");
    } catch {
      // Unreachable: says nothing about the session; the socket keeps trying with backoff.
    } finally {
      checking = false;
    }
  };
  // A message waiting for its acknowledgement on a socket that carries nothing is not left
  // "Sending…": the room is pinged, and the socket reconnected if it does not answer.
  const liveness = watchLiveness({
    waiting: () => greeted && unsent(handle).some((entry) => entry.state === "sending"),
    ping: () => socket.send({ type: "ping" }),
    reconnect: () => socket.reconnect(),
  });
  const send: SendToRoom = (message) => {
    const sent = greeted && !disposed && socket.send(message);
    if (sent && message.type === "message.send") liveness.sent();
    return sent;
  };

  const unsubscribe = [
    socket.on("message", (message) => {
      liveness.heard();
      applyServerMessage(queryClient, handle, message);
      if (message.type !== "hello") return;
      greeted = true;
      if (needsReload(message.protocol)) return;
      for (const entry of unsent(handle))
        send({ type: "message.send", id: entry.id, to: entry.to, text: entry.text });
    }),
    socket.on("close", ({ code, reason }) => {
      if (disposed) return;
      if (code === CLOSE_CODES.unauthorized) {
        // The room names why ("signed out everywhere"); shown as text, unless this tab asked.
        const askedHere = queryClient.getQueryData(signOutAskedQueryOptions().queryKey) === true;
        const asked = askedHere && ["signed out", "signed out everywhere"].includes(reason);
        end(asked ? null : signedOutNotice(reason));
        return;
      }
      setStatus("reconnecting");
      if (!greeted) void askSession();
      greeted = false;
    }),
  ];
  function dispose() {
    disposed = true;
    liveness.stop();
    for (const undo of unsubscribe) undo();
    socket.close(); // stops reconnecting
  }
  return { send, dispose };
}

/**
 * The one socket this tab opens, to its own room, for as long as the signed-in app is shown:
 * events into the cache, this device's idleness to the room, the outbox kept in step with other
 * tabs. Returns how the features send.
 */
export function useRoomDispatcher(
  handle: string,
  onSessionEnded: (notice: string | null) => void,
): SendToRoom {
  const queryClient = useQueryClient();
  // The callback may change on every render; the socket must not reconnect because of it.
  const sessionEnded = useRef(onSessionEnded);
  sessionEnded.current = onSessionEnded;
  const connection = useRef<RoomConnection | null>(null);
  // One function for the whole life of the component: it sends through whichever socket is open.
  const send = useCallback<SendToRoom>((message) => connection.current?.send(message) ?? false, []);
  useEffect(() => {
    const socket = openRoomSocket(handle, deviceLabel());
    const room = followRoom({
      queryClient,
      handle,
      socket,
      onSessionEnded: (notice) => sessionEnded.current(notice),
    });
    connection.current = room;
    const stopIdle = watchIdle(IDLE_AFTER_MS, (idle) => socket.queue({ type: "device.idle", idle }));
    const unfollowOutbox = followOutbox(queryClient, handle);
    return () => {
      unfollowOutbox();
      stopIdle();
      if (connection.current === room) connection.current = null;
      room.dispose();
    };
  }, [handle, queryClient]);
  return send;
}
