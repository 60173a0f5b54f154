// First, before any schema exists: see the file.
import "./zod-jitless.ts";

export * from "./app-policy.ts";
export * from "./auth.ts";
export * from "./bidi.ts";
export * from "./decode.ts";
export * from "./errors.ts";
export * from "./handle.ts";
export * from "./instant-messages.ts";
export * from "./limits.ts";
export * from "./presence.ts";
export * from "./privacy.ts";
export * from "./room-calls.ts";
export * from "./socket.ts";
export * from "./utf8.ts";
export * from "./version.ts";
export * from "./watchers.ts";
