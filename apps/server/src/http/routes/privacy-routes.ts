import { AccessRulesSchema, BlockSchema, DeliveryRulesSchema, VisibilityRulesSchema } from "@pim/protocol";
import { Hono } from "hono";
import type { Subscriptions } from "../../presence/subscriptions.ts";
import type { PrivacySettings } from "../../privacy/privacy-settings.ts";
import { ApiError } from "../api-error.ts";
import { readJson } from "../read-body.ts";
import { type PrincipalEnv, requirePrincipal } from "../require-principal.ts";
import type { RoomDeps } from "../room-deps.ts";
import { handleParam, watcherParam } from "../route-params.ts";

type Env = PrincipalEnv;

/**
 * The Privacy section's API: ACCESS RULES, VISIBILITY RULES, the blocklist, WATCHER
 * INFORMATION and "see what X sees". Everything is decided in this room, for this principal.
 */
export function privacyRoutes(deps: RoomDeps, privacy: PrivacySettings, subscriptions: Subscriptions) {
  const app = new Hono<Env>();
  for (const path of ["/privacy", "/privacy/*", "/blocklist", "/blocklist/*", "/watchers", "/watchers/*"]) {
    app.use(path, requirePrincipal(deps));
  }

  app.get("/privacy", (c) => c.json(privacy.settings()));

  app.put("/privacy/rules", async (c) => {
    await privacy.setRules(await readJson(c.req.raw, AccessRulesSchema));
    return c.json(privacy.settings());
  });

  app.put("/privacy/delivery", async (c) => {
    await privacy.setDelivery(await readJson(c.req.raw, DeliveryRulesSchema));
    return c.json(privacy.settings());
  });

  app.put("/privacy/visibility", async (c) => {
    await privacy.setVisibility(await readJson(c.req.raw, VisibilityRulesSchema));
    return c.json(privacy.settings());
  });

  /** "See what X sees": the view this room would send X now, by the same model function. */
  app.get("/privacy/preview/:watcher", (c) => {
    const watcher = handleParam(c.req.param("watcher"));
    if (watcher === deps.roomId)
      throw new ApiError(400, "invalid", "You always see all of your own presence.");
    return c.json(subscriptions.preview(watcher));
  });

  app.get("/blocklist", (c) => c.json({ blocked: privacy.settings().blocked }));

  app.post("/blocklist", async (c) => {
    const { handle } = await readJson(c.req.raw, BlockSchema);
    await privacy.block(handle);
    return c.json(privacy.settings());
  });

  app.delete("/blocklist/:who", async (c) => {
    await privacy.unblock(handleParam(c.req.param("who")));
    return c.json(privacy.settings());
  });

  app.get("/watchers", (c) => c.json({ watchers: subscriptions.watcherInformation() }));

  /** One click from watcher information; anonymous watchers stay anonymous, so not by alias. */
  app.post("/watchers/:watcher/block", async (c) => {
    const id = watcherParam(c.req.param("watcher"));
    if (id.startsWith("anonymous:")) {
      throw new ApiError(
        400,
        "invalid",
        "An anonymous watcher cannot be blocked by name. Refuse anonymous watchers in your rules instead.",
      );
    }
    await privacy.block(handleParam(id));
    return c.json(privacy.settings());
  });

  return app;
}
