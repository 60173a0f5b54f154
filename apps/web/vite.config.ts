import { resolve } from "node:path";
import { APP_ASSET_ROOT } from "@pim/protocol";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { contentPolicyPlugin } from "./csp-plugin.ts";

// partykit.json serves dist/; the build sits under a party path inside it (see APP_ASSET_ROOT).
const distRoot = resolve(import.meta.dirname, "dist");
const outDir = resolve(distRoot, `.${APP_ASSET_ROOT}`);

export default defineConfig({
  plugins: [react(), contentPolicyPlugin(distRoot, outDir)],
  build: { outDir, emptyOutDir: true, sourcemap: false },
  // `vite` alone (npm run dev -w @pim/web) proxies the rooms to a running `npm start`.
  server: { proxy: { "/parties": { target: "http://127.0.0.1:1999", ws: true } } },
});
