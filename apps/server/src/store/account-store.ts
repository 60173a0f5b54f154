import { emptyGuard, type LockoutState, type SignInGuard, type TrackedLockout } from "@pim/model";
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
/** The guard against password guessing; "lockout" held its older, single-counter form. */
const SIGN_IN_GUARD = "signin-guard";
const OLD_LOCKOUT = "lockout";
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

  /** The sign-in guard, parsed back into a Map (its keys are hashes and device ids). */
  async signInGuard(): Promise<SignInGuard> {
    const stored = await this.storage.get<StoredGuard>(SIGN_IN_GUARD);
    if (!stored || !Array.isArray(stored.tracked)) return emptyGuard();
    return { handle: stored.handle, tracked: new Map(stored.tracked) };
  }

  async putSignInGuard(guard: SignInGuard): Promise<void> {
    const stored: StoredGuard = { handle: guard.handle, tracked: [...guard.tracked] };
    await this.storage.put(SIGN_IN_GUARD, stored);
    await this.storage.delete(OLD_LOCKOUT);
  }
}

/** The guard as stored: the Map as entries, least recently seen first. */
type StoredGuard = { handle: LockoutState; tracked: Array<[string, TrackedLockout]> };
