import { canonicalHandle, HandleSchema } from "@pim/protocol";
import { useLocation, useParams } from "@tanstack/react-router";

/** Where the app is: the list alone (home), or a place in the main pane. */
export type Place =
  | { kind: "home" }
  | { kind: "chat"; peer: string }
  | { kind: "person"; peer: string }
  | { kind: "requests" }
  | { kind: "settings"; page: string | null }
  | { kind: "invalid"; typed: string };

/** The place the URL names; a handle in it is parsed to its canonical form once, here. */
export function usePlace(): Place {
  const { pathname } = useLocation();
  const params = useParams({ strict: false }) as { peer?: string; page?: string };
  if (pathname.startsWith("/settings")) return { kind: "settings", page: params.page ?? null };
  if (pathname === "/requests") return { kind: "requests" };
  if (params.peer !== undefined) {
    const parsed = HandleSchema.safeParse(params.peer);
    if (!parsed.success) return { kind: "invalid", typed: params.peer };
    const peer = canonicalHandle(parsed.data);
    return pathname.startsWith("/chat/") ? { kind: "chat", peer } : { kind: "person", peer };
  }
  return { kind: "home" };
}

/** The person whose conversation or details are open, if any. */
export function useOpenPeer(): string | null {
  const place = usePlace();
  return place.kind === "chat" || place.kind === "person" ? place.peer : null;
}
