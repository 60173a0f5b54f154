import { PIDF_MEDIA_TYPE, toPidf, validateChosenUpdate } from "@pim/model";
import {
  isCanonicalHandle,
  type PresenceView,
  parseWith,
  RcFetchReplySchema,
  SetPresenceSchema,
} from "@pim/protocol";
import { Hono } from "hono";
import type { Principal } from "../../auth/authenticate.ts";
import type { Presentity } from "../../presence/presentity.ts";
import type { PrivacySettings } from "../../privacy/privacy-settings.ts";
import type { RoomClient } from "../../rooms/room-client.ts";
import { ApiError } from "../api-error.ts";
import { readJson } from "../read-body.ts";
import type { RoomDeps } from "../room-deps.ts";
import { requirePrincipal } from "./auth-routes.ts";

type Env = { Variables: { principal: Principal } };

/** My own presence (PRESENCE USER AGENT) and others' presence (FETCHER). */
export function presenceRoutes(
  deps: RoomDeps,
  presentity: Presentity,
  rooms: RoomClient,
  privacy: PrivacySettings,
) {
  const app = new Hono<Env>();
  app.use("/presence", requirePrincipal(deps));
  app.use("/presence/*", requirePrincipal(deps));

  const own = () => ({
    view: presentity.view().view,
    chosen: presentity.chosenState(),
    devices: presentity.deviceTuples(),
  });

  app.get("/presence", (c) => c.json(own()));

  app.post("/presence", async (c) => {
    const update = await readJson(c.req.raw, SetPresenceSchema);
    const result = validateChosenUpdate(presentity.chosenState(), update, deps.now());
    if (!result.ok) throw new ApiError(400, result.code, result.message);
    await presentity.setChosen(result.chosen);
    return c.json(own());
  });

  /** FETCH: someone's presence once, as their access rules let me see it; PIDF on request. */
  app.get("/presence/:target", async (c) => {
    const handle = c.req.param("target").toLowerCase();
    if (!isCanonicalHandle(handle)) throw new ApiError(400, "invalid", "That is not a valid handle.");
    let view: PresenceView;
    if (handle === deps.roomId) {
      view = presentity.view().view;
    } else {
      const reply = await rooms.call(handle, "/rc/fetch", {
        purpose: "fetch",
        anonymous: privacy.anonymousTowards(handle),
      });
      if (reply.status === 404) throw new ApiError(404, "not_found", `No one has the handle ${handle}.`);
      const parsed = parseWith(RcFetchReplySchema, reply.body);
      if (reply.status >= 400 || !parsed.ok)
        throw new ApiError(502, "internal", "Their room could not answer.");
      const { access, view: seen } = parsed.value;
      switch (access) {
        case "granted":
          if (!seen) throw new ApiError(502, "internal", "Their room could not answer.");
          view = seen;
          break;
        case "pending":
          throw new ApiError(
            403,
            "forbidden",
            `${handle} has not let you see their presence yet. Add them as a buddy to ask.`,
          );
        case "refused":
          throw new ApiError(403, "forbidden", `${handle} does not share their presence with you.`);
        case "rate_limited": {
          const seconds = parsed.value.retryAfter ?? 60;
          throw new ApiError(
            429,
            "rate_limited",
            `You looked at ${handle} too often. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`,
            seconds,
          );
        }
        default: {
          // Only an explicit grant shows anything; an answer this code does not know refuses.
          const unknown: never = access;
          void unknown;
          throw new ApiError(403, "forbidden", `${handle} does not share their presence with you.`);
        }
      }
    }
    if ((c.req.header("accept") ?? "").includes(PIDF_MEDIA_TYPE)) {
      return c.body(toPidf(view), 200, { "content-type": PIDF_MEDIA_TYPE });
    }
    return c.json(view);
  });

  return app;
}
