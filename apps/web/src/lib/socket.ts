import {
  CLOSE_CODES,
  canonicalHandle,
  decodeFrame,
  type ServerMessage,
  ServerMessageSchema,
} from "@pim/protocol";
import { type QueryClient, queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import PartySocket from "partysocket";
import { useEffect, useRef } from "react";
import { buddiesQueryOptions, subscribersQueryOptions } from "../features/buddies/queries.ts";
import { ownPresenceQueryOptions } from "../features/presence/queries.ts";
import { deviceLabel } from "../features/session/queries.ts";

export type SocketStatus = "connecting" | "connected" | "reconnecting";

/** The live socket's state, kept in the query cache like everything the UI reads. */
export function socketStatusQueryOptions() {
  return queryOptions({
    queryKey: ["socket-status"] as const,
    queryFn: (): SocketStatus => "connecting",
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** A message for the sign-in screen after the server ended the session (signed out elsewhere). */
export function noticeQueryOptions() {
  return queryOptions({
    queryKey: ["notice"] as const,
    queryFn: (): string | null => null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** A tab with no input for this long counts as idle: its device turns "away". */
const IDLE_AFTER_MS = 5 * 60_000;

/** Writes one server event into the query cache, where the components read it. */
export function applyServerMessage(queryClient: QueryClient, handle: string, message: ServerMessage): void {
  switch (message.type) {
    case "hello":
      queryClient.setQueryData(socketStatusQueryOptions().queryKey, "connected");
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
    case "subscriber.updated":
      queryClient.setQueryData(subscribersQueryOptions(handle).queryKey, (list = []) => [
        message.subscriber,
        ...list.filter((s) => s.handle !== message.subscriber.handle),
      ]);
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
 * go into the query cache; a close with 4401 (session ended) signs this tab out.
 */
export function useRoomSocket(handle: string, onSessionEnded: (reason: string) => void): void {
  const queryClient = useQueryClient();
  // The callback may change on every render; the socket must not reconnect because of it.
  const sessionEnded = useRef(onSessionEnded);
  sessionEnded.current = onSessionEnded;
  useEffect(() => {
    let disposed = false;
    const socket = new PartySocket({
      host: window.location.host,
      party: "user",
      room: canonicalHandle(handle),
      query: { device: deviceLabel() },
    });
    const setStatus = (status: SocketStatus) =>
      queryClient.setQueryData(socketStatusQueryOptions().queryKey, status);

    socket.addEventListener("message", (event: MessageEvent) => {
      const decoded = decodeFrame(ServerMessageSchema, event.data as string);
      if (decoded.ok) applyServerMessage(queryClient, handle, decoded.value);
      else console.warn("undecodable server message", decoded.message);
    });
    socket.addEventListener("close", (event: CloseEvent) => {
      if (disposed) return;
      if (event.code === CLOSE_CODES.unauthorized) {
        disposed = true;
        socket.close(); // stops reconnecting: the session is over
        sessionEnded.current(event.reason || "Your session ended");
        return;
      }
      setStatus("reconnecting");
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

    return () => {
      disposed = true;
      clearTimeout(timer);
      for (const name of events) window.removeEventListener(name, activity);
      socket.close();
    };
  }, [handle, queryClient]);
}

export function useSocketStatus(): SocketStatus {
  return useQuery(socketStatusQueryOptions()).data ?? "connecting";
}
