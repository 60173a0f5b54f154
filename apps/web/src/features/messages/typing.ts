import { useQuery } from "@tanstack/react-query";
import { useNow } from "../../lib/useNow.ts";
import { useHandle } from "../session/useSession.ts";
import { typingQueryOptions } from "./queries.ts";

/** A typing notice lasts this long unless renewed: they are ephemeral, never stored. */
export const TYPING_SHOWN_MS = 6_000;

/** Whether `peer` is typing to me right now. */
export function usePeerTyping(peer: string): boolean {
  const { data: since = 0 } = useQuery(typingQueryOptions(useHandle(), peer));
  const now = useNow(1_000);
  return since > 0 && now - since < TYPING_SHOWN_MS;
}
