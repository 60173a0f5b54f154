import { resolve } from "node:path";
import { APP_ASSET_ROOT } from "@pim/protocol";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { VitePWA } from "vite-plugin-pwa";
import { contentPolicyPlugin } from "./csp-plugin.ts";
import { zodWithoutJsonSchema } from "./zod-plugin.ts";

// partykit.json serves dist/; the build sits under a party path inside it (see APP_ASSET_ROOT).
const distRoot = resolve(import.meta.dirname, "dist");
const outDir = resolve(distRoot, `.${APP_ASSET_ROOT}`);

/**
 * React Aria bundles its few built-in strings (a hidden "Dismiss", "Clear search") in 34
 * languages; the app speaks English only, so each strings table keeps en-US (React Aria falls back
 * to it for any other locale). It is what @react-aria/optimize-locales-plugin does, which is not
 * installed here; swap this for it when it is. About 3 KiB gzipped less to load for the overlays.
 */
function englishOnlyAriaStrings(): Plugin {
  return {
    name: "english-only-aria-strings",
    enforce: "pre",
    transform(code, id) {
      if (!/\/react-(aria|aria-components|stately)\/dist\/.*intlStrings\.mjs$/.test(id)) return null;
      const kept = code
        .split("\n")
        .filter((line) => !/^import .*\/intl\/.*\.mjs";$/.test(line) || line.includes("/en-US.mjs"))
        .filter((line) => !/^\s+"[a-z]{2}-[A-Z]{2}": /.test(line) || line.includes('"en-US"'))
        .join("\n");
      return { code: kept.replace(/,(\s*)\}/, "$1}"), map: null };
    },
  };
}

export default defineConfig({
  plugins: [
    react(),
    contentPolicyPlugin(distRoot, outDir),
    englishOnlyAriaStrings(),
    zodWithoutJsonSchema(),
    // The app shell (HTML, JS, CSS, icons) cached by a same-origin service worker, so a second
    // visit starts without the network; the rooms' routes are never cached by it. The worker is
    // registered by a file (registerSW.js), not an inline script: the server's CSP allows only
    // 'self' and the hash of index.html's early-reads script.
    VitePWA({
      registerType: "autoUpdate",
      injectRegister: "script",
      includeAssets: ["icon.svg"],
      manifest: {
        name: "pim: presence and instant messages",
        short_name: "pim",
        description: "A messenger where you control who sees you.",
        start_url: "/",
        scope: "/",
        display: "standalone",
        background_color: "#f6f7f9",
        theme_color: "#2f5bd3",
        icons: [
          { src: "/icon-192.png", sizes: "192x192", type: "image/png" },
          { src: "/icon-512.png", sizes: "512x512", type: "image/png" },
          { src: "/icon-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
          { src: "/icon.svg", sizes: "any", type: "image/svg+xml" },
        ],
      },
      workbox: {
        globPatterns: ["**/*.{js,css,html,svg,png,webmanifest}"],
        navigateFallback: "/index.html",
        navigateFallbackDenylist: [/^\/parties\//],
        cleanupOutdatedCaches: true,
        // A new version takes over at once (the socket reconnects anyway): no stale shell lingers.
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  resolve: {
    alias: [
      // TanStack Store reads the selector hook through React's shim for React 17 and older; React
      // 19 has useSyncExternalStore itself, which the shim-free entry uses (less to load and run).
      {
        find: /^use-sync-external-store\/shim\/with-selector(\.js)?$/,
        replacement: "use-sync-external-store/with-selector.js",
      },
    ],
  },
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: false,
    rolldownOptions: {
      output: {
        // Everything the first screen imports in one file: rolldown would otherwise split off each
        // module the lazy pages share with it (7 files, ~4 KiB more gzipped). The lazy pages and
        // overlays stay their own chunks and import what they share from this one.
        codeSplitting: { groups: [{ name: "index", tags: ["$initial"] }] },
      },
    },
  },
  // `vite` alone (npm run dev -w @pim/web) proxies the rooms to a running `npm start`.
  server: { proxy: { "/parties": { target: "http://127.0.0.1:1999", ws: true } } },
});
