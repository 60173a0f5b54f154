import type { PresenceView } from "@pim/protocol";

/**
 * What a watcher may see of a presentity until access rules are in place: an approved
 * SUBSCRIBER sees the whole view; anyone else only the basic STATUS. (The privacy work
 * replaces this with the presentity's ACCESS RULES and transformations.)
 */
export function viewForWatcher(view: PresenceView, subscribed: boolean): PresenceView {
  return subscribed ? view : { handle: view.handle, status: view.status };
}
