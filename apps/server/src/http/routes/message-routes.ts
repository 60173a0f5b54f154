import { HistoryQuerySchema, parseWith } from "@pim/protocol";
import { Hono } from "hono";
import type { Conversations } from "../../messages/conversations.ts";
import type { Inbox } from "../../messages/inbox.ts";
import { Unreachable } from "../../refusal.ts";
import { refusalOf } from "../../rooms/room-call-result.ts";
import type { RoomClient } from "../../rooms/room-client.ts";
import { ApiError } from "../api-error.ts";
import { type PrincipalEnv, requirePrincipal } from "../require-principal.ts";
import type { RoomDeps } from "../room-deps.ts";
import { handleParam } from "../route-params.ts";

type Env = PrincipalEnv;

/** The INBOX USER AGENT's API: conversations, history pages, deletions, "would they accept?". */
export function messageRoutes(deps: RoomDeps, conversations: Conversations, inbox: Inbox, rooms: RoomClient) {
  const app = new Hono<Env>();
  app.use("/conversations", requirePrincipal(deps));
  app.use("/conversations/*", requirePrincipal(deps));

  app.get("/conversations", (c) =>
    c.json({
      conversations: conversations.all().map((meta) => ({
        with: meta.with,
        unread: meta.unread,
        lastSeq: meta.lastSeq,
        readUpTo: meta.readUpTo,
        ...(meta.last ? { last: meta.last } : {}),
      })),
    }),
  );

  app.get("/conversations/:peer/messages", async (c) => {
    const peer = handleParam(c.req.param("peer"));
    const query = parseWith(HistoryQuerySchema, c.req.query());
    if (!query.ok) throw new ApiError(400, query.code, query.message);
    return c.json(await inbox.history(peer, query.value.before, query.value.limit));
  });

  app.delete("/conversations/:peer/messages/:seq", async (c) => {
    const peer = handleParam(c.req.param("peer"));
    const seq = Number(c.req.param("seq"));
    if (!Number.isInteger(seq) || seq < 1)
      throw new ApiError(400, "invalid", "That is not a message number.");
    await inbox.deleteMessage(peer, seq);
    return c.json({ ok: true });
  });

  app.delete("/conversations/:peer", async (c) => {
    await inbox.deleteConversation(handleParam(c.req.param("peer")));
    return c.json({ ok: true });
  });

  /** Told before sending: would the recipient accept a message from me now? */
  app.get("/conversations/:peer/deliverable", async (c) => {
    const peer = handleParam(c.req.param("peer"));
    if (peer === deps.roomId)
      return c.json({ accepting: false, message: "You cannot send a message to yourself." });
    const result = await rooms.call("deliverable", peer, {});
    if (!result.ok)
      throw result.failure === "no_such_principal" ? refusalOf(result, peer) : new Unreachable();
    return c.json(result.reply);
  });

  return app;
}
