import { z } from "zod";
import { ErrorCodeSchema } from "./errors.ts";

/** client -> own room */
export const ClientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ping"), id: z.string().max(64).optional() }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

/** own room -> client */
export const ServerMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("hello"),
    protocol: z.number(),
    handle: z.string(),
    sessionId: z.string(),
    connectionId: z.string(),
  }),
  z.object({ type: z.literal("pong"), id: z.string().optional() }),
  z.object({
    type: z.literal("error"),
    code: ErrorCodeSchema,
    message: z.string(),
    /** The id of the client message this error answers, when it had one. */
    ref: z.string().optional(),
  }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
