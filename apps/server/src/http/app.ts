import { Hono } from "hono";
import { ApiError, errorResponse } from "./api-error.ts";
import type { RoomDeps } from "./room-deps.ts";
import { authRoutes } from "./routes/auth-routes.ts";

/** The HTTP API of one principal's room, mounted under /parties/user/<handle>. */
export function createRoomApp(deps: RoomDeps) {
  const app = new Hono().basePath("/parties/user/:handle");
  app.route("/", authRoutes(deps));
  app.notFound(() => errorResponse(new ApiError(404, "not_found", "No such route.")));
  app.onError((error) => {
    if (error instanceof ApiError) return errorResponse(error);
    console.error("unhandled error", error);
    return errorResponse(new ApiError(500, "internal", "Something went wrong on our side."));
  });
  return app;
}
