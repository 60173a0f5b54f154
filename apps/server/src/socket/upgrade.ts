import { ApiError } from "../http/api-error.ts";

/**
 * A socket's address is kept in its attachment with its state, and a hibernatable socket's
 * attachment holds at most 2 KiB: a longer address, or a longer socket id (partysocket's `_pk`,
 * also the socket's tag), would leave the socket without state.
 */
export const UPGRADE_URL_MAX_LENGTH = 1_536;
const SOCKET_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Why a socket upgrade's address is refused before it reaches the room, or null. */
export function upgradeAddressRefusal(url: string): ApiError | null {
  if (url.length > UPGRADE_URL_MAX_LENGTH) {
    return new ApiError(414, "too_large", "The socket's address is too long.");
  }
  const id = new URL(url).searchParams.get("_pk");
  if (id !== null && !SOCKET_ID.test(id)) {
    return new ApiError(400, "invalid", "A socket id is 1 to 64 letters, digits, '-' or '_'.");
  }
  return null;
}
