export * from "./lockout.ts";
