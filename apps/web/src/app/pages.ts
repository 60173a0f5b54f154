/**
 * The pages' code, each loaded when it is first opened (or hovered, or once the first screen is
 * idle): the routes and the preloading share these loaders.
 */
export const conversationPage = () => import("../features/messages/ConversationPane.tsx");
export const personPage = () => import("../features/people/PersonPage.tsx");
export const requestsPage = () => import("../features/buddies/RequestsPage.tsx");
export const settingsPage = () => import("../features/settings/SettingsPage.tsx");

/** Fetches the pages' code while nothing else happens, so opening one waits for nothing. */
export function preloadPages(): void {
  for (const load of [conversationPage, personPage, requestsPage]) void load().catch(() => {});
}
