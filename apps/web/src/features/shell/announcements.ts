import { type QueryClient, queryOptions, useQuery } from "@tanstack/react-query";

/**
 * What happened that a screen-reader user should hear without looking: a new message, a
 * request to watch me. Written by the socket's event handlers, read by one polite live region.
 */
export type Announcement = { text: string; at: number };

export function announcementQueryOptions() {
  return queryOptions<Announcement | null>({
    queryKey: ["announcement"] as const,
    queryFn: () => null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function announce(queryClient: QueryClient, text: string): void {
  const announcement: Announcement = { text, at: Date.now() };
  queryClient.setQueryData(announcementQueryOptions().queryKey, announcement);
}

export function useAnnouncement(): Announcement | null {
  return useQuery(announcementQueryOptions()).data ?? null;
}
