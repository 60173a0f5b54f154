import type { PresenceTuple } from "@pim/protocol";

/**
 * What an open socket keeps of itself (its attachment) that presence needs: the tab's PRESENCE
 * TUPLE, absent until the socket is admitted and after its session was signed out.
 */
export type KeptTab = { tuple?: PresenceTuple | undefined } | null | undefined;

/**
 * The presentity's devices after the room woke from hibernation, rebuilt from the open sockets:
 * one tuple per device id, the newest (by `since`) when two sockets claim one id.
 */
export function tuplesOfSockets(tabs: Iterable<KeptTab>): PresenceTuple[] {
  const byId = new Map<string, PresenceTuple>();
  for (const tab of tabs) {
    const tuple = tab?.tuple;
    if (!tuple) continue;
    const held = byId.get(tuple.id);
    if (!held || tuple.since >= held.since) byId.set(tuple.id, tuple);
  }
  return [...byId.values()];
}

/**
 * The device a tab's close takes away from the presentity: only a tab still admitted has one. One
 * whose session was signed out (its device left then) or that a newer socket of the same id
 * replaced (the device is the newer socket's) keeps no tuple.
 */
export function deviceTakenByClose(tab: KeptTab): PresenceTuple | null {
  return tab?.tuple ?? null;
}

/** Whether kept watcher information is due a check for pruning (at most once per `everyMs`). */
export function pruningDue(lastAt: number | null, now: number, everyMs: number): boolean {
  return lastAt === null || now - lastAt >= everyMs || now < lastAt;
}
