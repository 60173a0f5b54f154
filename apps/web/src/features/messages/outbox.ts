import type { MessageAck } from "@pim/protocol";
import { type QueryClient, queryOptions } from "@tanstack/react-query";

/**
 * Messages this browser sent that its room has not acknowledged yet (or refused before storing
 * them). Kept in localStorage so a reload does not lose them, and resent, with the same ids,
 * whenever the socket is greeted again: the rooms recognize the ids, so nothing is doubled.
 */
export type OutboxEntry = {
  id: string;
  to: string;
  text: string;
  createdAt: number;
  state: "sending" | "failed";
  reason?: string;
};

const storageKey = (handle: string) => `pim.outbox.${handle}`;

function load(handle: string): OutboxEntry[] {
  try {
    const raw = localStorage.getItem(storageKey(handle));
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? (parsed as OutboxEntry[]) : [];
  } catch {
    return [];
  }
}

export function outboxQueryOptions(handle: string) {
  return queryOptions({
    queryKey: ["outbox", handle] as const,
    queryFn: () => load(handle),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * Every tab of this browser shares one outbox: each change starts from what is stored now, not
 * from this tab's copy, or one tab's write would drop what another tab put there meanwhile.
 */
function update(
  queryClient: QueryClient,
  handle: string,
  change: (entries: OutboxEntry[]) => OutboxEntry[],
): void {
  const next = change(load(handle));
  queryClient.setQueryData(outboxQueryOptions(handle).queryKey, next);
  try {
    localStorage.setItem(storageKey(handle), JSON.stringify(next));
  } catch {
    // storage full or denied: the outbox still lives in this tab
  }
}

export function putInOutbox(queryClient: QueryClient, handle: string, entry: OutboxEntry): void {
  update(queryClient, handle, (entries) => [...entries.filter((e) => e.id !== entry.id), entry]);
}

export function removeFromOutbox(queryClient: QueryClient, handle: string, id: string): void {
  update(queryClient, handle, (entries) => entries.filter((e) => e.id !== id));
}

/** An acknowledgement settles an entry: delivered or read ones leave, failed ones say why. */
export function settle(queryClient: QueryClient, handle: string, ack: MessageAck): void {
  if (ack.state === "sending") return;
  update(queryClient, handle, (entries) =>
    ack.state === "failed"
      ? entries.map((e) =>
          e.id === ack.id ? { ...e, state: "failed" as const, reason: ack.reason ?? "Not delivered." } : e,
        )
      : entries.filter((e) => e.id !== ack.id),
  );
}

/** What to send again after (re)connecting, oldest first: this browser's, from every tab. */
export function unsent(handle: string): OutboxEntry[] {
  return load(handle)
    .filter((e) => e.state === "sending")
    .sort((a, b) => a.createdAt - b.createdAt);
}

/** Keeps this tab's view of the outbox current when another tab changes it. Returns the undo. */
export function followOutbox(queryClient: QueryClient, handle: string): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === storageKey(handle))
      queryClient.setQueryData(outboxQueryOptions(handle).queryKey, load(handle));
  };
  window.addEventListener("storage", onStorage);
  return () => window.removeEventListener("storage", onStorage);
}
