/** Bumped on any incompatible change to a socket message or HTTP body. */
export const PROTOCOL_VERSION = 1;
