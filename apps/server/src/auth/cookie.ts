import { SESSION_TTL_MS } from "./session-token.ts";

/** The browser carries its session here: HttpOnly (script cannot read it), SameSite=Strict. */
export const SESSION_COOKIE = "pim_session";

export function sessionCookie(token: string, secure: boolean): string {
  const maxAge = Math.floor(SESSION_TTL_MS / 1000);
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? "; Secure" : ""}`;
}

/** The session token a request carries: a Bearer header (scripts) or the cookie (browsers). */
export function requestToken(headers: Headers): { token: string; via: "bearer" | "cookie" } | null {
  const authorization = headers.get("authorization");
  if (authorization?.startsWith("Bearer ")) return { token: authorization.slice(7).trim(), via: "bearer" };
  const cookies = headers.get("cookie") ?? "";
  for (const part of cookies.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === SESSION_COOKIE) {
      const token = rest.join("=");
      if (token) return { token, via: "cookie" };
    }
  }
  return null;
}
