/** Bounds every side enforces; the server is the one that must. */
export const LIMITS = {
  /** Largest socket frame a room accepts, in bytes (UTF-8). */
  maxFrameBytes: 64 * 1024,
  /** Largest HTTP request body a room accepts, in bytes. */
  maxBodyBytes: 16 * 1024,
  /** Largest body of a room-to-room call (a whole message or a page of receipt ids, JSON-escaped). */
  maxRoomCallBodyBytes: 128 * 1024,
  handleMinLength: 3,
  handleMaxLength: 32,
  passwordMinLength: 8,
  passwordMaxLength: 256,
  /** A presence note, in characters. */
  noteMaxLength: 140,
  /** OTHER PRESENCE MARKUP, serialized, in bytes. */
  markupMaxBytes: 1024,
  markupMaxKeys: 16,
  deviceLabelMaxLength: 64,
  /** Buddies one principal may watch, and subscribers one principal may have. */
  maxBuddies: 1000,
  maxSubscribers: 1000,
  /** Subscription requests waiting for the principal's answer; apart, so strangers cannot fill the above. */
  maxWaitingRequests: 100,
} as const;
