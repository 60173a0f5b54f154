import { PIDF_MEDIA_TYPE, toPidf, validateChosenUpdate } from "@pim/model";
import { type PresenceView, SetPresenceSchema } from "@pim/protocol";
import { Hono } from "hono";
import type { Presentity } from "../../presence/presentity.ts";
import type { PrivacySettings } from "../../privacy/privacy-settings.ts";
import { secondsInWords, Unreachable } from "../../refusal.ts";
import { refusalOf } from "../../rooms/room-call-result.ts";
import type { RoomClient } from "../../rooms/room-client.ts";
import { ApiError } from "../api-error.ts";
import { readJson } from "../read-body.ts";
import { type PrincipalEnv, requirePrincipal } from "../require-principal.ts";
import type { RoomDeps } from "../room-deps.ts";
import { handleParam } from "../route-params.ts";

type Env = PrincipalEnv;

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
    const handle = handleParam(c.req.param("target"));
    let view: PresenceView;
    if (handle === deps.roomId) {
      view = presentity.view().view;
    } else {
      const result = await rooms.call("fetch", handle, {
        purpose: "fetch",
        anonymous: privacy.anonymousTowards(handle),
      });
      // Only "no such principal" is told as such; any other failure is "could not answer".
      if (!result.ok)
        throw result.failure === "no_such_principal" ? refusalOf(result, handle) : new Unreachable();
      const { access, view: seen } = result.reply;
      switch (access) {
        case "granted":
          if (!seen) throw new Unreachable();
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
          const seconds = result.reply.retryAfter ?? 60;
          throw new ApiError(
            429,
            "rate_limited",
            `You looked at ${handle} too often. Try again in ${secondsInWords(seconds)}.`,
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
