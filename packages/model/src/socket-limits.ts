/**
 * How many sockets one principal may hold open, and how often a connecting socket may make the
 * room refresh every buddy. Each socket has its own frame allowance and each refresh calls every
 * buddy's room, so without these both would grow with sockets opened. Pure: the caller counts.
 */
export type SocketLimits = {
  /** Open sockets of one session (one signed-in browser or script). */
  perSession: number;
  /** Open sockets of the principal, all sessions together. */
  perPrincipal: number;
  /** A connecting socket refreshes every buddy at most this often; otherwise it gets the list as held. */
  refreshEveryMs: number;
};

export const DEFAULT_SOCKET_LIMITS: SocketLimits = {
  perSession: 10,
  perPrincipal: 30,
  refreshEveryMs: 15_000,
};

/** Why a new socket is refused, or null when it may stay. */
export type SocketRefusal = "session" | "principal" | null;

/**
 * Whether one more socket of `sessionId` may open, given the session ids of the sockets open now
 * (the new one not among them).
 */
export function admitSocket(open: readonly string[], sessionId: string, limits: SocketLimits): SocketRefusal {
  if (open.length >= limits.perPrincipal) return "principal";
  const ofSession = open.filter((id) => id === sessionId).length;
  return ofSession >= limits.perSession ? "session" : null;
}

/** Whether a connecting socket should refresh every buddy, given when that last started. */
export function buddyRefreshDue(lastAt: number | null, now: number, limits: SocketLimits): boolean {
  return lastAt === null || now - lastAt >= limits.refreshEveryMs || now < lastAt;
}
