import { recordSignInFailure, recordSignInSuccess, type SignInAttempt, signInWait } from "@pim/model";
import { CredentialsSchema, type SessionInfo } from "@pim/protocol";
import { Hono } from "hono";
import type { z } from "zod";
import { authenticate, originAllowed, type Principal } from "../../auth/authenticate.ts";
import { clearedSessionCookie, sessionCookie } from "../../auth/cookie.ts";
import { deviceClaims, deviceCookie, issueDeviceToken } from "../../auth/device-cookie.ts";
import { DECOY_HASH, hashPassword, verifyPassword } from "../../auth/password.ts";
import { issueToken, newSessionClaims } from "../../auth/session-token.ts";
import { signInAttempt } from "../../auth/sign-in-attempt.ts";
import type { SessionRecord } from "../../store/account-store.ts";
import { ApiError } from "../api-error.ts";
import { readJson } from "../read-body.ts";
import { requirePrincipal } from "../require-principal.ts";
import type { RoomDeps } from "../room-deps.ts";

type Env = { Variables: { principal: Principal } };
/** Credentials as read: the handle canonical. */
type Credentials = z.output<typeof CredentialsSchema>;

/** Sign-up, sign-in, tokens for scripts, sign-out, sign-out everywhere, the current session. */
export function authRoutes(deps: RoomDeps) {
  const app = new Hono<Env>();
  const secure = (url: string) => new URL(url).protocol === "https:";

  async function readCredentials(request: Request): Promise<Credentials> {
    if (!originAllowed(request.headers, request.url, deps.config.extraOrigins)) {
      throw new ApiError(403, "forbidden", "Requests must come from the app's own origin.");
    }
    const credentials = await readJson(request, CredentialsSchema);
    if (credentials.handle !== deps.roomId) {
      throw new ApiError(400, "invalid", "The handle does not match this room.");
    }
    return credentials;
  }

  async function startSession(kind: SessionRecord["kind"], device?: string) {
    const claims = newSessionClaims(deps.roomId, deps.now());
    const record: SessionRecord = {
      sessionId: claims.sessionId,
      createdAt: deps.now(),
      expiresAt: claims.expiresAt,
      kind,
      ...(device ? { device } : {}),
    };
    await deps.accounts.putSession(record);
    const info: SessionInfo = {
      handle: deps.roomId,
      sessionId: claims.sessionId,
      expiresAt: claims.expiresAt,
    };
    return { info, token: await issueToken(deps.config.secret, claims) };
  }

  /**
   * Password checks of this room, one at a time: each reads the guard, hashes, and writes the
   * guard before the next starts, so attempts sent at once cannot all pass a guard not yet updated.
   */
  let checking: Promise<unknown> = Promise.resolve();

  /** Checks the password, keeping the lockout for this attempt; a refusal says why in words. */
  function checkPassword(credentials: Credentials, attempt: SignInAttempt): Promise<void> {
    const turn = checking.then(() => checkPasswordNow(credentials, attempt));
    checking = turn.catch(() => undefined);
    return turn;
  }

  async function checkPasswordNow(credentials: Credentials, attempt: SignInAttempt): Promise<void> {
    const guard = await deps.accounts.signInGuard();
    const remaining = signInWait(guard, attempt, deps.now());
    if (remaining > 0) throw lockedOut(remaining);
    const account = await deps.accounts.account();
    const valid = await verifyPassword(credentials.password, account?.passwordHash ?? DECOY_HASH);
    if (account && valid) {
      const next = recordSignInSuccess(guard, attempt);
      if (next !== guard) await deps.accounts.putSignInGuard(next);
      return;
    }
    if (!account) throw wrongCredentials();
    const next = recordSignInFailure(guard, attempt, deps.now(), deps.config.lockout);
    await deps.accounts.putSignInGuard(next);
    const nowRemaining = signInWait(next, attempt, deps.now());
    throw nowRemaining > 0 ? lockedOut(nowRemaining) : wrongCredentials();
  }

  function attemptOf(request: Request): Promise<SignInAttempt> {
    return signInAttempt(deps.config.secret, request.headers, deps.roomId, deps.now());
  }

  /** Marks this browser as one that signed in as the principal: the same device if it was one. */
  async function rememberDevice(attempt: SignInAttempt | null, url: string): Promise<string> {
    const known = attempt?.kind === "device" ? attempt.device : undefined;
    const token = await issueDeviceToken(deps.config.secret, deviceClaims(deps.roomId, deps.now(), known));
    return deviceCookie(token, deps.roomId, secure(url));
  }

  async function refuseTakenHandle(): Promise<void> {
    if (await deps.accounts.account()) throw new ApiError(409, "handle_taken", "That handle is taken.");
  }

  app.post("/signup", async (c) => {
    const credentials = await readCredentials(c.req.raw);
    await refuseTakenHandle();
    // Before the password is hashed: a refused sign-up costs the server next to nothing.
    await deps.admitSignUp(c.req.raw.headers);
    const passwordHash = await hashPassword(credentials.password);
    // The gate and the hash let other requests in: someone may have taken the handle meanwhile.
    // From this check to the write there are only storage calls, which hold other requests off.
    await refuseTakenHandle();
    await deps.accounts.putAccount({ handle: credentials.handle, passwordHash, createdAt: deps.now() });
    const { info, token } = await startSession("browser", credentials.device);
    c.header("set-cookie", sessionCookie(token, secure(c.req.url)));
    c.header("set-cookie", await rememberDevice(null, c.req.url), { append: true });
    return c.json(info, 201);
  });

  app.post("/signin", async (c) => {
    const credentials = await readCredentials(c.req.raw);
    const attempt = await attemptOf(c.req.raw);
    await checkPassword(credentials, attempt);
    const { info, token } = await startSession("browser", credentials.device);
    c.header("set-cookie", sessionCookie(token, secure(c.req.url)));
    c.header("set-cookie", await rememberDevice(attempt, c.req.url), { append: true });
    return c.json(info);
  });

  /** For scripts and other clients (pollers): the token comes back in the body, no cookie. */
  app.post("/tokens", async (c) => {
    const credentials = await readCredentials(c.req.raw);
    await checkPassword(credentials, await attemptOf(c.req.raw));
    const { info, token } = await startSession("token", credentials.device);
    return c.json({ ...info, token });
  });

  // Everything below needs this principal's valid session.
  app.use("/session", requirePrincipal(deps));
  app.use("/signout", requirePrincipal(deps));
  app.use("/signout-everywhere", requirePrincipal(deps));

  app.get("/session", (c) => {
    const { handle, session } = c.get("principal");
    const info: SessionInfo = { handle, sessionId: session.sessionId, expiresAt: session.expiresAt };
    return c.json(info);
  });

  app.post("/signout", async (c) => {
    const { session } = c.get("principal");
    await deps.accounts.deleteSession(session.sessionId);
    await deps.closeSockets(session.sessionId, "signed out");
    c.header("set-cookie", clearedSessionCookie(secure(c.req.url)));
    return c.json({ ok: true });
  });

  app.post("/signout-everywhere", async (c) => {
    await deps.accounts.deleteAllSessions();
    await deps.closeSockets("all", "signed out everywhere");
    c.header("set-cookie", clearedSessionCookie(secure(c.req.url)));
    return c.json({ ok: true });
  });

  return app;
}

function wrongCredentials(): ApiError {
  return new ApiError(401, "wrong_credentials", "Wrong handle or password.");
}

function lockedOut(remainingMs: number): ApiError {
  const seconds = Math.ceil(remainingMs / 1000);
  return new ApiError(
    429,
    "locked_out",
    `Too many wrong passwords. Sign-in is locked for ${seconds} more second${seconds === 1 ? "" : "s"}.`,
    seconds,
  );
}
