import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  // `vite` alone (npm run dev -w @pim/web) proxies the rooms to a running `npm start`.
  server: { proxy: { "/parties": { target: "http://127.0.0.1:1999", ws: true } } },
});
