import { buddyRank } from "@pim/model";
import type { Buddy, ConversationSummary } from "@pim/protocol";

/** One row of the people list: a buddy, someone I have a conversation with, or both. */
export type PersonRow = {
  handle: string;
  buddy?: Buddy;
  conversation?: ConversationSummary;
  /** When something last happened with them (their last message), 0 if nothing yet. */
  activity: number;
};

/**
 * Buddies and conversations as one list, most recent activity first; people with no messages
 * yet follow in buddy order (reachable first), then by handle.
 */
export function listPeople(
  buddies: readonly Buddy[],
  conversations: readonly ConversationSummary[],
): PersonRow[] {
  const rows = new Map<string, PersonRow>();
  for (const buddy of buddies) rows.set(buddy.handle, { handle: buddy.handle, buddy, activity: 0 });
  for (const conversation of conversations) {
    const row = rows.get(conversation.with) ?? { handle: conversation.with, activity: 0 };
    rows.set(conversation.with, {
      ...row,
      conversation,
      activity: conversation.last?.sentAt ?? 0,
    });
  }
  const rank = (row: PersonRow) => (row.buddy ? buddyRank(row.buddy) : 6);
  return [...rows.values()].sort(
    (a, b) => b.activity - a.activity || rank(a) - rank(b) || a.handle.localeCompare(b.handle),
  );
}

/** The rows whose handle or note contains the typed text, case-insensitively. */
export function filterPeople(rows: readonly PersonRow[], typed: string): PersonRow[] {
  const text = typed.trim().toLowerCase();
  if (!text) return [...rows];
  return rows.filter(
    (row) => row.handle.includes(text) || (row.buddy?.view?.note ?? "").toLowerCase().includes(text),
  );
}
