import { type LockoutState, NO_LOCKOUT } from "@pim/model";
import type * as Party from "partykit/server";

/** The principal's account, kept in their own room. */
export type Account = { handle: string; passwordHash: string; createdAt: number };

/** One signed-in device or script; its id is in the token, so deleting it revokes the token. */
export type SessionRecord = {
  sessionId: string;
  createdAt: number;
  expiresAt: number;
  kind: "browser" | "token";
  device?: string;
};

const ACCOUNT = "account";
const LOCKOUT = "lockout";
const SESSION_PREFIX = "session:";

/** Reads and writes the account, its sessions and its lockout state in room storage. */
export class AccountStore {
  constructor(private readonly storage: Party.Storage) {}

  account(): Promise<Account | undefined> {
    return this.storage.get<Account>(ACCOUNT);
  }

  putAccount(account: Account): Promise<void> {
    return this.storage.put(ACCOUNT, account);
  }

  session(sessionId: string): Promise<SessionRecord | undefined> {
    return this.storage.get<SessionRecord>(SESSION_PREFIX + sessionId);
  }

  putSession(session: SessionRecord): Promise<void> {
    return this.storage.put(SESSION_PREFIX + session.sessionId, session);
  }

  async sessions(): Promise<SessionRecord[]> {
    const map = await this.storage.list<SessionRecord>({ prefix: SESSION_PREFIX });
    return [...map.values()];
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.storage.delete(SESSION_PREFIX + sessionId);
  }

  async deleteAllSessions(): Promise<void> {
    const keys = [...(await this.storage.list({ prefix: SESSION_PREFIX })).keys()];
    // storage.delete takes at most 128 keys at once.
    for (let i = 0; i < keys.length; i += 128) await this.storage.delete(keys.slice(i, i + 128));
  }

  async lockout(): Promise<LockoutState> {
    return (await this.storage.get<LockoutState>(LOCKOUT)) ?? NO_LOCKOUT;
  }

  putLockout(state: LockoutState): Promise<void> {
    return this.storage.put(LOCKOUT, state);
  }
}
