import type { ConversationSummary, OwnPresence } from "@pim/protocol";
import { roomApi, type Session } from "./client.ts";
import type { TestServer } from "./server.ts";

/**
 * Everything a principal can read about themselves through the routes: session, presence,
 * buddies, subscribers, watchers, privacy settings, blocklist, conversations and their history.
 * Two exports are equal exactly when nothing a principal can see has changed.
 */
export type PrincipalExport = Record<string, unknown>;

export async function exportPrincipal(server: TestServer, session: Session): Promise<PrincipalExport> {
  const api = roomApi(server, session);
  const read = async (path: string) => {
    const response = await api.get(path, {});
    const text = await response.text();
    if (!response.ok) throw new Error(`export: GET ${path} answered ${response.status} ${text}`);
    return JSON.parse(text) as unknown;
  };
  const [sessionInfo, presence, buddies, subscribers, watchers, privacy, blocklist, conversations] =
    await Promise.all(
      [
        "/session",
        "/presence",
        "/buddies",
        "/subscribers",
        "/watchers",
        "/privacy",
        "/blocklist",
        "/conversations",
      ].map(read),
    );
  const own = presence as OwnPresence;
  const summaries = (conversations as { conversations: ConversationSummary[] }).conversations;
  const histories = await Promise.all(
    summaries.map((c) => read(`/conversations/${encodeURIComponent(c.with)}/messages?limit=200`)),
  );
  return {
    session: sessionInfo,
    // The view moves with sockets coming and going (and their grace period); what a principal
    // chose, and each device as it stands, are what an input could change.
    presence: {
      chosen: own.chosen,
      devices: own.devices
        .map((d) => ({ id: d.id, device: d.device, availability: d.availability, status: d.status }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    },
    buddies,
    subscribers,
    watchers,
    privacy,
    blocklist,
    conversations,
    histories,
  };
}
