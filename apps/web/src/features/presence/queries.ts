import { type OwnPresence, OwnPresenceSchema, PresenceViewSchema, type SetPresence } from "@pim/protocol";
import { queryOptions } from "@tanstack/react-query";
import { request, roomPath } from "../../lib/api.ts";

/** My own presence: as watchers see it, what I chose, my devices. Kept live by the socket. */
export function ownPresenceQueryOptions(handle: string) {
  return queryOptions({
    queryKey: ["presence", "own", handle] as const,
    queryFn: (): Promise<OwnPresence> => request(roomPath(handle, "/presence"), OwnPresenceSchema),
  });
}

/** Someone's presence fetched once (a FETCHER): no subscription, recorded by their room. */
export function fetchedPresenceQueryOptions(handle: string, target: string) {
  return queryOptions({
    queryKey: ["presence", "fetched", handle, target] as const,
    queryFn: () =>
      request(roomPath(handle, `/presence/${encodeURIComponent(target.toLowerCase())}`), PresenceViewSchema),
    staleTime: 0,
    retry: false,
  });
}

export function setPresence(handle: string, update: SetPresence): Promise<OwnPresence> {
  return request(roomPath(handle, "/presence"), OwnPresenceSchema, { method: "POST", body: update });
}
