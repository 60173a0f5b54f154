/**
 * A socket can look open while nothing gets through it (the server or a proxy dropped it without
 * a close, a machine slept): a message sent then waits for its acknowledgement for ever, shown
 * "Sending…". Stream management in XMPP answers this with acknowledgement requests; here, when
 * something sent has waited `patienceMs` with nothing heard from the room since, the room is
 * pinged, and if nothing is heard `pongMs` after that, the socket is reconnected: the room's
 * greeting then resends the outbox (same ids, so nothing is doubled).
 */
export type Liveness = {
  /** Anything arrived from the room. */
  heard(): void;
  /** Something that expects an answer went to the room. */
  sent(): void;
  stop(): void;
};

export function watchLiveness(options: {
  /** Is anything sent still waiting for its answer? */
  waiting: () => boolean;
  ping: () => void;
  reconnect: () => void;
  patienceMs?: number;
  pongMs?: number;
  checkEveryMs?: number;
  now?: () => number;
}): Liveness {
  const { waiting, ping, reconnect, patienceMs = 10_000, pongMs = 5_000, checkEveryMs = 1_000 } = options;
  const now = options.now ?? Date.now;
  let lastHeard = now();
  let lastSent = Number.NEGATIVE_INFINITY;
  let pingedAt: number | null = null;
  const timer = setInterval(() => {
    if (lastSent < lastHeard || !waiting()) {
      pingedAt = null;
      return;
    }
    const at = now();
    if (pingedAt === null) {
      if (at - lastHeard >= patienceMs) {
        pingedAt = at;
        ping();
      }
      return;
    }
    if (at - pingedAt >= pongMs) {
      pingedAt = null;
      lastHeard = at; // patience starts again on the new socket
      reconnect();
    }
  }, checkEveryMs);
  return {
    heard: () => {
      lastHeard = now();
      pingedAt = null;
    },
    sent: () => {
      lastSent = now();
    },
    stop: () => clearInterval(timer),
  };
}
