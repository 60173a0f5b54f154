/**
 * What a tab says when its room closed it for a session that ended. The room gives a reason:
 * "signed out" (this very session, from another tab), "signed out everywhere", or a sentence of
 * its own; each reads as one plain sentence, never the same words twice.
 */
export function signedOutNotice(reason: string): string {
  if (reason === "signed out") return "You signed out in another tab or window.";
  if (reason === "signed out everywhere") return "You were signed out everywhere.";
  if (/[.!?]$/.test(reason)) return `You were signed out. ${reason}`;
  return reason ? `You were signed out (${reason}).` : "You were signed out.";
}
