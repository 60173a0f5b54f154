import { useQuery } from "@tanstack/react-query";
import { useNow } from "../../lib/useNow.ts";
import { useHandle } from "../session/useSession.ts";

/** A typing notice lasts this long unless renewed: they are ephemeral, never stored. */
export const TYPING_SHOWN_MS = 6_000;

export function typingQueryKey(handle: string, from: string) {
  return ["typing", handle, from] as const;
}

/** Whether `peer` is typing to me right now. */
export function usePeerTyping(peer: string): boolean {
  const handle = useHandle();
  const { data: since = 0 } = useQuery<number>({
    queryKey: typingQueryKey(handle, peer),
    queryFn: () => 0,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const now = useNow(1_000);
  return since > 0 && now - since < TYPING_SHOWN_MS;
}
