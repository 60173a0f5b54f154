import { type DehydratedState, dehydrate, hydrate, type QueryClient } from "@tanstack/react-query";
import { storedHandle } from "./handle-store.ts";

/**
 * What a second visit shows before the network answers: the session, my presence, the buddy
 * list, conversations and requests, as last known, kept in localStorage and put into the query
 * cache before the first render. Every one of them is then refreshed (the socket's greeting
 * sends buddies and presence; the rest is re-read), and a sign-out forgets them.
 */
const KEY = "pim.cache";
const VERSION = 1;
/** The first part of each query key kept; everything else is read afresh on every visit. */
const KEPT: ReadonlySet<unknown> = new Set([
  "session",
  "buddies",
  "conversations",
  "presence",
  "subscribers",
]);

type Stored = { version: number; handle: string; state: DehydratedState };

function kept(queryKey: readonly unknown[]): boolean {
  // "presence" holds my own and fetched ones; a fetch is a one-off answer, never shown later.
  return KEPT.has(queryKey[0]) && !(queryKey[0] === "presence" && queryKey[1] !== "own");
}

/** Restores the last visit's cache, if it was this browser's remembered principal's. */
export function restoreCache(queryClient: QueryClient): void {
  const handle = storedHandle();
  if (!handle) return;
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return;
    const stored = JSON.parse(raw) as Stored;
    if (stored.version !== VERSION || stored.handle !== handle || !stored.state) return;
    hydrate(queryClient, stored.state);
    // Shown at once, checked at once: a session that ended meanwhile signs this tab out.
    void queryClient.invalidateQueries({ queryKey: ["session"], refetchType: "none" });
  } catch {
    // unreadable: start as a first visit
  }
}

/** Keeps the stored copy current (at most once a second); returns the undo. */
export function persistCache(queryClient: QueryClient): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const write = () => {
    timer = undefined;
    const session = queryClient.getQueryData<{ handle: string } | null>(["session"]);
    try {
      if (!session) {
        localStorage.removeItem(KEY);
        return;
      }
      const state = dehydrate(queryClient, {
        shouldDehydrateQuery: (query) => query.state.status === "success" && kept(query.queryKey),
      });
      const stored: Stored = { version: VERSION, handle: session.handle, state };
      localStorage.setItem(KEY, JSON.stringify(stored));
    } catch {
      // storage full or denied: the next visit starts from the network
    }
  };
  const unsubscribe = queryClient.getQueryCache().subscribe(() => {
    timer ??= setTimeout(write, 1_000);
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}

/** Forgets the stored copy (signing out). */
export function forgetCache(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}
