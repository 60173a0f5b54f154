export * from "./access-rules.ts";
export * from "./buddy-order.ts";
export * from "./lockout.ts";
export * from "./notification-coalescing.ts";
export * from "./pidf.ts";
export * from "./presence-aggregate.ts";
export * from "./presence-input.ts";
export * from "./watcher-activity.ts";
