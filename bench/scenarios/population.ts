import {
  connect,
  post,
  type Session,
  signUp,
  type TestSocket,
} from "../../apps/server/test/harness/client.ts";
import type { TestServer } from "../../apps/server/test/harness/server.ts";
import { within } from "../deadline.ts";

/** Creates principals through the public HTTP API, a few at a time. */
export async function createPrincipals(
  server: TestServer,
  count: number,
  prefix: string,
): Promise<Session[]> {
  const sessions: Session[] = [];
  const BATCH = 8;
  for (let i = 0; i < count; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - i) }, (_, j) => `${prefix}${i + j}`);
    sessions.push(...(await Promise.all(batch.map((handle) => signUp(server, handle)))));
  }
  return sessions;
}

function headers(server: TestServer, session: Session) {
  return { cookie: session.cookie, origin: server.origin };
}

/** `watcher` subscribes to `presentity` and the presentity approves: an active subscription. */
export async function subscribe(server: TestServer, watcher: Session, presentity: Session): Promise<void> {
  const added = await post(
    server,
    `/parties/user/${watcher.handle}/buddies`,
    { handle: presentity.handle },
    headers(server, watcher),
  );
  if (added.status !== 201) throw new Error(`subscribe failed: ${added.status} ${await added.text()}`);
  const approved = await post(
    server,
    `/parties/user/${presentity.handle}/subscribers/${watcher.handle}`,
    { decision: "approve" },
    headers(server, presentity),
  );
  if (approved.status !== 200) throw new Error(`approve failed: ${approved.status} ${await approved.text()}`);
}

export async function setPresence(server: TestServer, session: Session, update: unknown): Promise<void> {
  const response = await post(
    server,
    `/parties/user/${session.handle}/presence`,
    update,
    headers(server, session),
  );
  if (response.status !== 200)
    throw new Error(`presence update failed: ${response.status} ${await response.text()}`);
}

/**
 * A signed-in tab's socket, once the room said hello. A server that accepts the connection and
 * never answers the upgrade would leave `connect` waiting forever: this fails after `ms`.
 */
export function openTab(server: TestServer, session: Session, ms = 30_000): Promise<TestSocket> {
  return within(
    connect(server, session),
    ms,
    () => `${session.handle}'s socket did not open in ${ms / 1000} s`,
  );
}

/** Runs tasks with at most `limit` at once. */
export async function inBatches<T>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += limit) await Promise.all(items.slice(i, i + limit).map(task));
}
