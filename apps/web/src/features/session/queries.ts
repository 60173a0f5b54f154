import { type Credentials, OkSchema, type SessionInfo, SessionInfoSchema } from "@pim/protocol";
import { queryOptions } from "@tanstack/react-query";
import { ApiError, request, roomPath } from "../../lib/api.ts";
import { storedHandle } from "../../lib/handle-store.ts";

/** Who is signed in here: the session of the remembered handle, or null when signed out. */
export function sessionQueryOptions() {
  return queryOptions({
    queryKey: ["session"] as const,
    queryFn: (): Promise<SessionInfo | null> => {
      const handle = storedHandle();
      return handle ? fetchSession(handle) : Promise.resolve(null);
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

/**
 * Asks a principal's room whether this browser's session is still live: the session, or null
 * when the room refuses it (signed out, expired, another principal's cookie, no such room).
 * Any other failure (server unreachable) is thrown: it says nothing about the session.
 */
export async function fetchSession(handle: string): Promise<SessionInfo | null> {
  try {
    return await request(roomPath(handle, "/session"), SessionInfoSchema);
  } catch (error) {
    if (error instanceof ApiError && [401, 403, 404].includes(error.status)) return null;
    throw error;
  }
}

/** Why this tab was signed out without asking (signed out elsewhere, session ended), for the sign-in screen. */
export function signedOutNoticeQueryOptions() {
  return queryOptions({
    queryKey: ["signed-out-notice"] as const,
    queryFn: (): string | null => null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * This tab asked to sign out. The room closes the session's sockets as it answers, and the close
 * can reach the tab before the answer does: it must not then read as "signed out in another tab".
 */
export function signOutAskedQueryOptions() {
  return queryOptions({
    queryKey: ["sign-out-asked"] as const,
    queryFn: (): boolean => false,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** A short, readable label for this device, shown in session and device lists. */
export function deviceLabel(): string {
  const ua = navigator.userAgent;
  const browser = /Firefox\//.test(ua)
    ? "Firefox"
    : /Edg\//.test(ua)
      ? "Edge"
      : /Chrom(e|ium)\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : "Browser";
  const os = /Android/.test(ua)
    ? "Android"
    : /iPhone|iPad/.test(ua)
      ? "iOS"
      : /Mac OS X/.test(ua)
        ? "macOS"
        : /Windows/.test(ua)
          ? "Windows"
          : /Linux/.test(ua)
            ? "Linux"
            : "";
  return os ? `${browser} on ${os}` : browser;
}

export function signUp(credentials: Credentials): Promise<SessionInfo> {
  return request(roomPath(credentials.handle, "/signup"), SessionInfoSchema, {
    method: "POST",
    body: credentials,
  });
}

export function signIn(credentials: Credentials): Promise<SessionInfo> {
  return request(roomPath(credentials.handle, "/signin"), SessionInfoSchema, {
    method: "POST",
    body: credentials,
  });
}

export function signOut(handle: string, everywhere: boolean): Promise<unknown> {
  return request(roomPath(handle, everywhere ? "/signout-everywhere" : "/signout"), OkSchema, {
    method: "POST",
  });
}
