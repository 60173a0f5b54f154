export * from "./auth.ts";
export * from "./decode.ts";
export * from "./errors.ts";
export * from "./handle.ts";
export * from "./limits.ts";
export * from "./socket.ts";
export * from "./version.ts";
