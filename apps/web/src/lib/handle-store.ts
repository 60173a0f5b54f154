/**
 * The handle this browser signed in as. The session itself is an HttpOnly cookie that script
 * cannot read; the handle only says which room to ask (see docs/decisions.md, 2).
 */
const KEY = "pim.handle";

export function storedHandle(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function storeHandle(handle: string | null): void {
  try {
    if (handle) localStorage.setItem(KEY, handle);
    else localStorage.removeItem(KEY);
  } catch {
    // storage unavailable (private mode): the session lasts this page only
  }
}
