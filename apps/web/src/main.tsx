// Zod is set jitless by @pim/protocol itself, before any schema exists (no eval under our CSP).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App.tsx";
import { applyTheme } from "./features/theme/theme.ts";
import { persistCache, restoreCache } from "./lib/persisted-cache.ts";
import "./styles.css";

applyTheme();
const queryClient = new QueryClient({
  defaultOptions: { queries: { refetchOnWindowFocus: false, retry: 1 } },
});
// The last visit's buddy list and conversations, shown at once and then refreshed.
restoreCache(queryClient);
persistCache(queryClient);

const root = document.getElementById("root");
if (!root) throw new Error("no #root element");
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
