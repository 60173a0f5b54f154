import {
  parseWith,
  RcDeliverSchema,
  RcFetchSchema,
  RcNotifySchema,
  RcReceiptSchema,
  RcSubscribeSchema,
  RcTypingSchema,
} from "@pim/protocol";
import { Hono } from "hono";
import type { z } from "zod";
import type { Inbox } from "../../messages/inbox.ts";
import type { Sender } from "../../messages/sender.ts";
import type { BuddyList } from "../../presence/buddy-list.ts";
import type { Subscriptions } from "../../presence/subscriptions.ts";
import { ApiError } from "../api-error.ts";
import { type RoomCallEnv, requireRoomCall } from "../require-room-call.ts";
import type { RoomDeps } from "../room-deps.ts";

/** What other rooms may ask of this one; the caller is the verified signer, never the body. */
export function roomCallRoutes(
  deps: RoomDeps,
  subscriptions: Subscriptions,
  buddies: BuddyList,
  sender: Sender,
  inbox: Inbox,
) {
  const app = new Hono<RoomCallEnv>();
  app.use("*", requireRoomCall(deps));

  function body<S extends z.ZodType>(raw: string, schema: S): z.infer<S> {
    let json: unknown;
    try {
      json = raw ? JSON.parse(raw) : {};
    } catch {
      throw new ApiError(400, "bad_json", "The body is not valid JSON.");
    }
    const parsed = parseWith(schema, json);
    if (!parsed.ok) throw new ApiError(400, parsed.code, parsed.message);
    return parsed.value;
  }

  async function requireAccount(): Promise<void> {
    if (!(await deps.accounts.account())) throw new ApiError(404, "not_found", "No such principal.");
  }

  app.post("/subscribe", async (c) => {
    await requireAccount();
    const { anonymous } = body(c.get("body"), RcSubscribeSchema);
    return c.json(await subscriptions.requested(c.get("caller"), anonymous));
  });

  /** Rules may only name principals who exist. */
  app.post("/exists", async (c) => c.json({ exists: (await deps.accounts.account()) !== undefined }));

  app.post("/unsubscribe", async (c) => {
    await subscriptions.unsubscribed(c.get("caller"));
    return c.json({ ok: true });
  });

  app.post("/fetch", async (c) => {
    await requireAccount();
    const { purpose, anonymous } = body(c.get("body"), RcFetchSchema);
    return c.json(await subscriptions.fetched(c.get("caller"), purpose, anonymous));
  });

  app.post("/notify", async (c) => {
    const notification = body(c.get("body"), RcNotifySchema);
    const wanted = await buddies.notified(c.get("caller"), notification);
    if (!wanted) throw new ApiError(410, "not_found", "Not subscribed.");
    return c.json({ ok: true });
  });

  /** An INSTANT MESSAGE for my inbox, from the calling room's principal. */
  app.post("/deliver", async (c) => {
    await requireAccount();
    const message = body(c.get("body"), RcDeliverSchema);
    return c.json(await inbox.deliver(c.get("caller"), message));
  });

  /** Would I accept a message from the caller now (shown to them before sending)? */
  app.post("/deliverable", async (c) => {
    await requireAccount();
    const decision = inbox.decide(c.get("caller"));
    return c.json(decision.accepted ? { accepting: true } : { accepting: false, message: decision.message });
  });

  /** The caller read these messages of mine. */
  app.post("/receipt", async (c) => {
    const { ids } = body(c.get("body"), RcReceiptSchema);
    await sender.receipted(c.get("caller"), ids);
    return c.json({ ok: true });
  });

  app.post("/typing", (c) => {
    const { typing } = body(c.get("body"), RcTypingSchema);
    inbox.typing(c.get("caller"), typing);
    return c.json({ ok: true });
  });

  return app;
}
