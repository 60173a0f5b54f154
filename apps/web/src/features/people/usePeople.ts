import { useMemo } from "react";
import { useBuddies } from "../buddies/useBuddies.ts";
import { useConversations } from "../messages/useMessages.ts";
import { listPeople, type PersonRow } from "./people.ts";

/** Buddies and conversations as one list, most recent first (see people.ts). */
export function usePeople(): { rows: PersonRow[]; isPending: boolean; error: Error | null } {
  const buddies = useBuddies();
  const conversations = useConversations();
  const rows = useMemo(
    () => listPeople(buddies.data ?? [], conversations.data ?? []),
    [buddies.data, conversations.data],
  );
  return {
    rows,
    isPending: buddies.isPending && conversations.isPending,
    error: buddies.error ?? conversations.error,
  };
}
