import { Hono } from "hono";
import type { Conversations } from "../messages/conversations.ts";
import type { Inbox } from "../messages/inbox.ts";
import type { Sender } from "../messages/sender.ts";
import type { BuddyList } from "../presence/buddy-list.ts";
import type { Presentity } from "../presence/presentity.ts";
import type { Subscriptions } from "../presence/subscriptions.ts";
import type { PrivacySettings } from "../privacy/privacy-settings.ts";
import { Refusal } from "../refusal.ts";
import type { RoomClient } from "../rooms/room-client.ts";
import { ApiError, errorResponse } from "./api-error.ts";
import type { RoomDeps } from "./room-deps.ts";
import { authRoutes } from "./routes/auth-routes.ts";
import { buddyRoutes } from "./routes/buddy-routes.ts";
import { messageRoutes } from "./routes/message-routes.ts";
import { presenceRoutes } from "./routes/presence-routes.ts";
import { privacyRoutes } from "./routes/privacy-routes.ts";
import { roomCallRoutes, userRoomCalls } from "./routes/room-call-routes.ts";
import { API_SECURITY_HEADERS } from "./security-headers.ts";

/** The parts of a room the routes work with. */
export type PresenceParts = {
  presentity: Presentity;
  subscriptions: Subscriptions;
  buddies: BuddyList;
  rooms: RoomClient;
  privacy: PrivacySettings;
  conversations: Conversations;
  sender: Sender;
  inbox: Inbox;
};

/** The HTTP API of one principal's room, mounted under /parties/user/<handle>. */
export function createRoomApp(deps: RoomDeps, parts: PresenceParts) {
  const app = new Hono().basePath("/parties/user/:handle");
  app.use("*", async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) c.res.headers.set(name, value);
  });
  app.route("/", authRoutes(deps));
  app.route("/", buddyRoutes(deps, parts.buddies, parts.subscriptions));
  app.route("/", presenceRoutes(deps, parts.presentity, parts.rooms, parts.privacy));
  app.route("/", privacyRoutes(deps, parts.privacy, parts.subscriptions));
  app.route("/", messageRoutes(deps, parts.conversations, parts.inbox, parts.rooms));
  const calls = userRoomCalls(deps, parts.subscriptions, parts.buddies, parts.sender, parts.inbox);
  app.route("/rc", roomCallRoutes(deps, calls));
  app.notFound(() => errorResponse(new ApiError(404, "not_found", "No such route.")));
  app.onError((error) => {
    if (error instanceof ApiError || error instanceof Refusal) return errorResponse(error);
    console.error("unhandled error", error);
    return errorResponse(new ApiError(500, "internal", "Something went wrong on our side."));
  });
  return app;
}
