import { z } from "zod";
import { cleanDeviceLabel } from "./bidi.ts";
import { CanonicalHandleSchema, PasswordSchema } from "./handle.ts";
import { LIMITS } from "./limits.ts";

/** POST /parties/user/:handle/signup and /signin */
export const CredentialsSchema = z.object({
  handle: CanonicalHandleSchema,
  password: PasswordSchema,
  /** A readable label for this device ("Firefox on Linux"), shown in session lists. */
  device: z.string().max(LIMITS.deviceLabelMaxLength).transform(cleanDeviceLabel).optional(),
});
/** Credentials as a client writes them; the room reads `z.output` (the handle canonical). */
export type Credentials = z.input<typeof CredentialsSchema>;

/** The signed-in principal, as GET /parties/user/:handle/session returns it. */
export const SessionInfoSchema = z.object({
  handle: z.string(),
  sessionId: z.string(),
  expiresAt: z.number(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

/** POST /parties/user/:handle/tokens: a Bearer token for scripts and other clients. */
export const TokenResponseSchema = SessionInfoSchema.extend({ token: z.string() });
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

export const OkSchema = z.object({ ok: z.literal(true) });
