import { createRootRoute, createRoute, createRouter, lazyRouteComponent } from "@tanstack/react-router";
import { Home } from "../features/shell/Home.tsx";
import { conversationPage, personPage, requestsPage, settingsPage } from "./pages.ts";
import { Root } from "./Root.tsx";

/**
 * Every place in the app has a URL: a conversation, a person, the requests, each settings page.
 * Code-based routes (no generated files). Only the list is needed for the first screen; each
 * page's code loads when it is opened (or hovered, or once the first screen is idle).
 */
const rootRoute = createRootRoute({ component: Root });

export const homeRoute = createRoute({ getParentRoute: () => rootRoute, path: "/", component: Home });
export const chatRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/chat/$peer",
  component: lazyRouteComponent(conversationPage, "ConversationRoute"),
});
export const personRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/people/$peer",
  component: lazyRouteComponent(personPage, "PersonRoute"),
});
export const requestsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/requests",
  component: lazyRouteComponent(requestsPage, "RequestsPage"),
});
const settings = lazyRouteComponent(settingsPage, "SettingsPage");
export const settingsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/settings",
  component: settings,
});
export const settingsPageRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/settings/$page",
  component: settings,
});

const routeTree = rootRoute.addChildren([
  homeRoute,
  chatRoute,
  personRoute,
  requestsRoute,
  settingsRoute,
  settingsPageRoute,
]);

export const router = createRouter({ routeTree, defaultPreload: "intent", scrollRestoration: false });

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
