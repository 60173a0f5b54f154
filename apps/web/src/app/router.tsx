import { createRootRoute, createRoute, createRouter, lazyRouteComponent } from "@tanstack/react-router";
import { Home } from "../features/shell/Home.tsx";
import { Root } from "./Root.tsx";

/**
 * Every place in the app has a URL: a conversation, a person, the requests, each settings page.
 * Code-based routes (no generated files). Only the list is needed for the first screen; each
 * page's code loads when it is opened (or hovered, or once the first screen is idle).
 */
const conversation = () => import("../features/messages/ConversationPane.tsx");
const person = () => import("../features/people/PersonPage.tsx");
const requests = () => import("../features/buddies/RequestsPage.tsx");
const settings = () => import("../features/settings/SettingsPage.tsx");

/** Fetches the pages' code while nothing else happens, so opening one waits for nothing. */
export function preloadPages(): void {
  for (const load of [conversation, person, requests]) void load().catch(() => {});
}

const rootRoute = createRootRoute({ component: Root });

export const homeRoute = createRoute({ getParentRoute: () => rootRoute, path: "/", component: Home });
export const chatRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/chat/$peer",
  component: lazyRouteComponent(conversation, "ConversationRoute"),
});
export const personRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/people/$peer",
  component: lazyRouteComponent(person, "PersonRoute"),
});
export const requestsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/requests",
  component: lazyRouteComponent(requests, "RequestsPage"),
});
const settingsPage = lazyRouteComponent(settings, "SettingsPage");
export const settingsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/settings",
  component: settingsPage,
});
export const settingsPageRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/settings/$page",
  component: settingsPage,
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
