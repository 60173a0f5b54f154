import { Hono } from "hono";
import type { Inbox } from "../../messages/inbox.ts";
import type { Sender } from "../../messages/sender.ts";
import type { BuddyList } from "../../presence/buddy-list.ts";
import type { Subscriptions } from "../../presence/subscriptions.ts";
import { Gone, Refusal } from "../../refusal.ts";
import { answerRoomCall, type RoomCallHandlers, receiveRoomCall } from "../receive-room-call.ts";
import type { RoomDeps } from "../room-deps.ts";

/** What other rooms may ask of a principal's room: one handler per call of the user party. */
export function userRoomCalls(
  deps: RoomDeps,
  subscriptions: Subscriptions,
  buddies: BuddyList,
  sender: Sender,
  inbox: Inbox,
) {
  async function requireAccount(): Promise<void> {
    if (!(await deps.accounts.account())) throw new Refusal("not_found", "No such principal.");
  }

  return {
    subscribe: async (caller, { anonymous }) => {
      await requireAccount();
      return subscriptions.requested(caller, anonymous);
    },
    unsubscribe: async (caller) => {
      await subscriptions.unsubscribed(caller);
      return { ok: true };
    },
    fetch: async (caller, { purpose, anonymous }) => {
      await requireAccount();
      return subscriptions.fetched(caller, purpose, anonymous);
    },
    /** Rules may only name principals who exist. */
    exists: async () => ({ exists: (await deps.accounts.account()) !== undefined }),
    notify: async (caller, notification) => {
      if (!(await buddies.notified(caller, notification))) throw new Gone("Not subscribed.");
      return { ok: true };
    },
    /** An INSTANT MESSAGE for my inbox, from the calling room's principal. */
    deliver: async (caller, message) => {
      await requireAccount();
      return inbox.deliver(caller, message);
    },
    /** Would I accept a message from the caller now (shown to them before sending)? */
    deliverable: async (caller) => {
      await requireAccount();
      const decision = inbox.decide(caller);
      return decision.accepted ? { accepting: true } : { accepting: false, message: decision.message };
    },
    /** The caller read these messages of mine. */
    receipt: async (caller, { ids }) => {
      await sender.receipted(caller, ids);
      return { ok: true };
    },
    typing: (caller, { typing }) => {
      inbox.typing(caller, typing);
      return { ok: true };
    },
  } satisfies RoomCallHandlers<"user">;
}

/** The room calls as HTTP: verified, parsed, answered; refusals become responses in `app.onError`. */
export function roomCallRoutes(deps: RoomDeps, handlers: RoomCallHandlers<"user">) {
  const app = new Hono();
  app.all("/*", async (c) => {
    const room = { party: "user" as const, id: deps.roomId, secret: deps.config.secret, now: deps.now() };
    const call = await receiveRoomCall(c.req.raw, room);
    return c.json(await answerRoomCall<"user">(handlers, call));
  });
  return app;
}
