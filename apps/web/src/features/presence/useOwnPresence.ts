import type { SetPresence } from "@pim/protocol";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useHandle } from "../session/useSession.ts";
import { fetchedPresenceQueryOptions, ownPresenceQueryOptions, setPresence } from "./queries.ts";

export function useOwnPresence() {
  return useQuery(ownPresenceQueryOptions(useHandle()));
}

export function useSetPresence() {
  const handle = useHandle();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (update: SetPresence) => setPresence(handle, update),
    onSuccess: (presence) => queryClient.setQueryData(ownPresenceQueryOptions(handle).queryKey, presence),
  });
}

/** Someone's presence, fetched once when asked for (`target` null: nothing to fetch). */
export function useFetchedPresence(target: string | null) {
  const handle = useHandle();
  return useQuery({ ...fetchedPresenceQueryOptions(handle, target ?? ""), enabled: target !== null });
}
