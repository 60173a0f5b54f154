import type { ServerConfig } from "../config.ts";
import type { AccountStore } from "../store/account-store.ts";

/** What the HTTP routes of one principal's room work with. */
export type RoomDeps = {
  /** The room id: the principal's canonical handle. */
  roomId: string;
  config: ServerConfig;
  accounts: AccountStore;
  /** Closes the sockets of one session, or of all sessions; their devices leave presence at once. */
  closeSockets(sessionId: string | "all", reason: string): Promise<void>;
  /** One more new account from the request's network address, or a 429 saying when. */
  admitSignUp(headers: Headers): Promise<void>;
  now(): number;
};
