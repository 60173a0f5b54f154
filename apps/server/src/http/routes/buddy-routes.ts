import { AddBuddySchema, AnswerSubscriberSchema } from "@pim/protocol";
import { Hono } from "hono";
import type { BuddyList } from "../../presence/buddy-list.ts";
import type { Subscriptions } from "../../presence/subscriptions.ts";
import { ApiError } from "../api-error.ts";
import { readJson } from "../read-body.ts";
import { type PrincipalEnv, requirePrincipal } from "../require-principal.ts";
import type { RoomDeps } from "../room-deps.ts";
import { handleParam, watcherParam } from "../route-params.ts";

type Env = PrincipalEnv;

/** The buddy list (my SUBSCRIPTIONS) and the requests to watch me (my SUBSCRIBERS). */
export function buddyRoutes(deps: RoomDeps, buddies: BuddyList, subscriptions: Subscriptions) {
  const app = new Hono<Env>();
  app.use("/buddies/*", requirePrincipal(deps));
  app.use("/buddies", requirePrincipal(deps));
  app.use("/subscribers/*", requirePrincipal(deps));
  app.use("/subscribers", requirePrincipal(deps));

  app.get("/buddies", (c) => c.json({ buddies: buddies.list() }));

  app.post("/buddies", async (c) => {
    const { handle } = await readJson(c.req.raw, AddBuddySchema);
    return c.json(await buddies.add(handle), 201);
  });

  app.delete("/buddies/:buddy", async (c) => {
    await buddies.remove(handleParam(c.req.param("buddy")));
    return c.json({ ok: true });
  });

  app.get("/subscribers", (c) => c.json({ subscribers: subscriptions.list() }));

  app.post("/subscribers/:watcher", async (c) => {
    const { decision } = await readJson(c.req.raw, AnswerSubscriberSchema);
    return c.json(await subscriptions.answer(watcherParam(c.req.param("watcher")), decision));
  });

  app.delete("/subscribers/:watcher", async (c) => {
    await subscriptions.revoke(watcherParam(c.req.param("watcher")));
    return c.json({ ok: true });
  });

  return app;
}
