import {
  classifyWatcher,
  DEFAULT_POLLER_POLICY,
  PIDF_MEDIA_TYPE,
  toPidf,
  validateChosenUpdate,
} from "@pim/model";
import { isCanonicalHandle, parseWith, RcFetchReplySchema, SetPresenceSchema } from "@pim/protocol";
import { Hono } from "hono";
import type { Principal } from "../../auth/authenticate.ts";
import type { Presentity } from "../../presence/presentity.ts";
import type { Subscriptions } from "../../presence/subscriptions.ts";
import type { RoomClient } from "../../rooms/room-client.ts";
import type { WatchStore } from "../../store/watch-store.ts";
import { ApiError } from "../api-error.ts";
import { readJson } from "../read-body.ts";
import type { RoomDeps } from "../room-deps.ts";
import { requirePrincipal } from "./auth-routes.ts";

type Env = { Variables: { principal: Principal } };

/** My own presence (PRESENCE USER AGENT), others' presence (FETCHER), and who watched me. */
export function presenceRoutes(
  deps: RoomDeps,
  presentity: Presentity,
  subscriptions: Subscriptions,
  rooms: RoomClient,
  watchStore: WatchStore,
) {
  const app = new Hono<Env>();
  app.use("/presence", requirePrincipal(deps));
  app.use("/presence/*", requirePrincipal(deps));
  app.use("/watchers", requirePrincipal(deps));

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
    let view: unknown;
    if (handle === deps.roomId) {
      view = presentity.view().view;
    } else {
      const reply = await rooms.call(handle, "/rc/fetch", { purpose: "fetch" });
      if (reply.status === 404) throw new ApiError(404, "not_found", `No one has the handle ${handle}.`);
      const parsed = parseWith(RcFetchReplySchema, reply.body);
      if (reply.status >= 400 || !parsed.ok)
        throw new ApiError(502, "internal", "Their room could not answer.");
      view = parsed.value.view;
    }
    if ((c.req.header("accept") ?? "").includes(PIDF_MEDIA_TYPE)) {
      return c.body(toPidf(view as Parameters<typeof toPidf>[0]), 200, { "content-type": PIDF_MEDIA_TYPE });
    }
    return c.json(view as object);
  });

  /** The record of who subscribed to or fetched my presence, and how (WATCHER INFORMATION). */
  app.get("/watchers", async (c) => {
    const now = deps.now();
    const subscribers = new Map([...subscriptions.all()].map((s) => [s.handle, s]));
    const watchers = (await watchStore.watchers()).map((record) => ({
      handle: record.handle,
      kind:
        subscribers.get(record.handle)?.state === "active"
          ? "subscriber"
          : classifyWatcher(record.fetches, now, DEFAULT_POLLER_POLICY),
      state: subscribers.get(record.handle)?.state,
      firstAt: record.firstAt,
      lastAt: record.lastAt,
      fetches: record.fetches.length,
      subscribes: record.subscribes,
    }));
    return c.json({ watchers });
  });

  return app;
}
