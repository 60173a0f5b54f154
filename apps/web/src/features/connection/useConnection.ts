import { useQuery } from "@tanstack/react-query";
import { needsReload } from "./protocol-version.ts";
import { type SocketStatus, serverProtocolQueryOptions, socketStatusQueryOptions } from "./queries.ts";

export function useSocketStatus(): SocketStatus {
  return useQuery(socketStatusQueryOptions()).data ?? "connecting";
}

/** True once the room has greeted this tab with another protocol version than its code speaks. */
export function useNeedsReload(): boolean {
  return needsReload(useQuery(serverProtocolQueryOptions()).data ?? null);
}
