import type { Buddy } from "@pim/protocol";
import { timeAgo } from "../../lib/time.ts";
import { presenceLabel, presenceTone } from "../presence/presence-labels.ts";

/** A buddy's presence in words, as I may see it, including where the subscription stands. */
export function buddyStateLabel(buddy: Buddy): string {
  switch (buddy.state) {
    case "pending":
      return "Waiting for approval";
    case "refused":
      return "Offline (not shared with you)";
    case "ended":
      return "Stopped sharing";
    case "active":
      return presenceLabel(buddy.view);
    default: {
      const unknown: never = buddy.state;
      return String(unknown);
    }
  }
}

/** The dot's colour class for a buddy; null for someone I do not watch (their presence is unknown). */
export function buddyTone(buddy: Buddy | undefined): string | null {
  if (!buddy) return null;
  return buddy.state === "active" ? presenceTone(buddy.view) : "closed";
}

/** "Last seen 5 min ago" when a buddy is offline and I may see when they were last on. */
export function lastSeenLabel(buddy: Buddy | undefined, now: number): string | null {
  const view = buddy?.view;
  if (view?.status !== "closed" || view.lastSeen === undefined) return null;
  return `Last seen ${timeAgo(view.lastSeen, now)}`;
}
