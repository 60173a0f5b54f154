import type { Buddy } from "@pim/protocol";

/** Rank of a buddy in the list: reachable people first, then the rest, requests last. */
export function buddyRank(buddy: Buddy): number {
  if (buddy.state !== "active") return 5;
  const view = buddy.view;
  if (!view || view.status === "closed") return 4;
  switch (view.availability) {
    case "available":
    case undefined:
      return 0;
    case "away":
      return 1;
    case "busy":
      return 2;
    case "dnd":
      return 3;
    default: {
      // An availability added later must get its own rank; until then it sorts with CLOSED.
      view.availability satisfies never;
      return 4;
    }
  }
}

/** The buddy list as shown: available people first, then away, busy, do-not-disturb, CLOSED, and not (yet) approved; by handle within each. */
export function orderBuddies(buddies: readonly Buddy[]): Buddy[] {
  return [...buddies].sort((a, b) => buddyRank(a) - buddyRank(b) || a.handle.localeCompare(b.handle));
}
