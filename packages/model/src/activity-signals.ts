import type { PresenceView } from "@pim/protocol";

/** What a conversation partner could learn about my activity: that I read them, that I type. */
export type ActivitySignal = "receipt" | "typing";

/** What my room knows when it is about to tell a peer of my activity. */
export type ActivityContext = {
  /** My status as this peer may see it now (my access rules applied); undefined: not at all. */
  statusSeenByPeer: PresenceView["status"] | undefined;
  /** My delivery rules let senders know when I read them. */
  readReceipts: boolean;
};

/** send: now; hold: keep it for when the peer may see me OPEN again; drop: never. */
export type ActivityDecision = "send" | "hold" | "drop";

/**
 * A receipt or a typing notice says "I am here now", which someone who sees me CLOSED (polite
 * block, invisible) or not at all could never learn from a signed-out principal: they go only to
 * a peer who would see me OPEN right now. A receipt is held for later, a typing notice is stale
 * by then; a receipt my rules do not give is never sent.
 */
export function decideActivitySignal(signal: ActivitySignal, context: ActivityContext): ActivityDecision {
  const seesMeOpen = context.statusSeenByPeer === "open";
  switch (signal) {
    case "receipt":
      if (!context.readReceipts) return "drop";
      return seesMeOpen ? "send" : "hold";
    case "typing":
      return seesMeOpen ? "send" : "drop";
    default: {
      const unknown: never = signal;
      void unknown;
      return "drop"; // an unknown signal tells nothing
    }
  }
}
