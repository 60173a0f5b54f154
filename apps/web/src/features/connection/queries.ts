import { queryOptions } from "@tanstack/react-query";

export type SocketStatus = "connecting" | "connected" | "reconnecting";

/** The live socket's state, kept in the query cache like everything the UI reads. */
export function socketStatusQueryOptions() {
  return queryOptions({
    queryKey: ["socket-status"] as const,
    queryFn: (): SocketStatus => "connecting",
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** The protocol version the room last greeted this tab with (null until it has). */
export function serverProtocolQueryOptions() {
  return queryOptions({
    queryKey: ["server-protocol"] as const,
    queryFn: (): number | null => null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}
