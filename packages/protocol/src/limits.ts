/** Bounds every side enforces; the server is the one that must. */
export const LIMITS = {
  /** Largest socket frame a room accepts, in bytes (UTF-8). */
  maxFrameBytes: 64 * 1024,
  /** Largest HTTP request body a room accepts, in bytes. */
  maxBodyBytes: 16 * 1024,
  handleMinLength: 3,
  handleMaxLength: 32,
  passwordMinLength: 8,
  passwordMaxLength: 256,
} as const;
