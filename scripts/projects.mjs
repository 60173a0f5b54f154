// The workspaces' tsconfig folders, shared by typecheck.mjs and check-safe-lookups.mjs.
export const projects = [
  "packages/protocol",
  "packages/model",
  "apps/server",
  "apps/server/test",
  "apps/web",
  "e2e",
  "bench",
  "scripts",
];
