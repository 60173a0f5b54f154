import {
  CLOSE_CODES,
  type ClientMessage,
  ClientMessageSchema,
  decodeFrame,
  inboxAddress,
  isCanonicalHandle,
  PROTOCOL_VERSION,
  type ServerMessage,
} from "@pim/protocol";
import type * as Party from "partykit/server";
import { authenticate, originAllowed } from "../auth/authenticate.ts";
import { requestToken } from "../auth/cookie.ts";
import { ROOM_CALL_HEADER } from "../auth/room-call.ts";
import { readToken } from "../auth/session-token.ts";
import { readConfig, type ServerConfig } from "../config.ts";
import { ApiError, errorResponse } from "../http/api-error.ts";
import { createRoomApp } from "../http/app.ts";
import { BuddyList } from "../presence/buddy-list.ts";
import { Presentity } from "../presence/presentity.ts";
import { Subscriptions } from "../presence/subscriptions.ts";
import { RoomClient } from "../rooms/room-client.ts";
import { send } from "../socket/send.ts";
import { AccountStore } from "../store/account-store.ts";
import { PresenceStore } from "../store/presence-store.ts";
import { WatchStore } from "../store/watch-store.ts";

/** What a room remembers about each socket: whose session it belongs to. */
type SocketState = { sessionId: string };

/**
 * One principal's room (`user/<handle>`): their account, sessions and, as the service grows,
 * presence, watchers, rules and inbox. It decodes what arrives, asks the model, stores, sends.
 */
export default class UserRoom implements Party.Server {
  /** Requests from outside: refuse non-canonical room ids and forged room-to-room calls. */
  static onBeforeRequest(request: Party.Request, lobby: Party.Lobby): Party.Request | Response {
    if (!isCanonicalHandle(lobby.id)) {
      return errorResponse(new ApiError(404, "not_found", "No such principal."));
    }
    if (request.headers.has(ROOM_CALL_HEADER)) {
      return errorResponse(new ApiError(403, "forbidden", "Room-to-room calls cannot come from outside."));
    }
    return request;
  }

  /**
   * Socket upgrades: refused with 401/403 before they reach the room unless they carry a
   * correctly signed session of this very principal, from an allowed origin. The room then
   * checks that the session is still live (it may have been signed out).
   */
  static async onBeforeConnect(
    request: Party.Request,
    lobby: Party.Lobby,
  ): Promise<Party.Request | Response> {
    if (!isCanonicalHandle(lobby.id)) {
      return errorResponse(new ApiError(404, "not_found", "No such principal."));
    }
    let config: ServerConfig;
    try {
      config = readConfig(lobby.env);
    } catch (error) {
      console.error(String(error));
      return errorResponse(new ApiError(500, "internal", "The server is not configured."));
    }
    const headers = request.headers as unknown as Headers;
    const carried = requestToken(headers);
    const claims = carried ? await readToken(config.secret, carried.token, Date.now()) : null;
    if (!carried || !claims) return errorResponse(new ApiError(401, "unauthorized", "Sign in first."));
    if (claims.handle !== lobby.id) {
      return errorResponse(new ApiError(403, "forbidden", "This session belongs to another principal."));
    }
    if (carried.via === "cookie" && !originAllowed(headers, request.url, config.extraOrigins)) {
      return errorResponse(new ApiError(403, "forbidden", "Sockets must come from the app's own origin."));
    }
    return request;
  }

  private readonly accounts: AccountStore;
  private readonly config: ServerConfig;
  private readonly app: ReturnType<typeof createRoomApp>;
  private readonly presentity: Presentity;
  private readonly subscriptions: Subscriptions;
  private readonly buddies: BuddyList;
  private readonly rooms: RoomClient;

  constructor(readonly room: Party.Room) {
    const now = () => Date.now();
    this.accounts = new AccountStore(room.storage);
    this.config = readConfig(room.env);
    this.rooms = new RoomClient(room.context.parties, room.id, this.config.secret);
    const watchStore = new WatchStore(room.storage);
    this.subscriptions = new Subscriptions(
      watchStore,
      () => this.presentity,
      {
        toSelf: (subscriber) => this.toOwnTabs({ type: "subscriber.updated", subscriber }),
        tellSubscriber: (watcher, state, view, seq) =>
          this.notify(watcher, { state, seq, ...(view ? { view } : {}) }),
      },
      now,
    );
    this.presentity = new Presentity(
      room.id,
      new PresenceStore(room.storage),
      () => this.subscriptions.all(),
      {
        toSelf: (view, chosen, devices) =>
          this.toOwnTabs({ type: "presence.self", presence: { view, chosen, devices } }),
        viewFor: (watcher, view) => this.subscriptions.transform(watcher, view),
        notify: (watcher, view, seq) => this.notify(watcher, { state: "active", view, seq }),
      },
      now,
    );
    this.buddies = new BuddyList(
      room.id,
      watchStore,
      this.rooms,
      {
        updated: (buddy) => this.toOwnTabs({ type: "buddy.updated", buddy }),
        removed: (handle) => this.toOwnTabs({ type: "buddy.removed", handle }),
      },
      now,
    );
    this.app = createRoomApp(
      {
        roomId: room.id,
        config: this.config,
        accounts: this.accounts,
        closeSockets: (sessionId, reason) => this.closeSockets(sessionId, reason),
        now,
      },
      {
        presentity: this.presentity,
        subscriptions: this.subscriptions,
        buddies: this.buddies,
        rooms: this.rooms,
        watchStore,
      },
    );
  }

  async onStart(): Promise<void> {
    await Promise.all([this.presentity.load(), this.subscriptions.load(), this.buddies.load()]);
  }

  onRequest(request: Party.Request): Promise<Response> | Response {
    return this.app.fetch(request as unknown as Request);
  }

  async onConnect(
    connection: Party.Connection<SocketState>,
    context: Party.ConnectionContext,
  ): Promise<void> {
    try {
      const principal = await authenticate(
        context.request.headers as unknown as Headers,
        this.room.id,
        this.config.secret,
        this.accounts,
        Date.now(),
      );
      connection.setState({ sessionId: principal.session.sessionId });
      send(connection, {
        type: "hello",
        protocol: PROTOCOL_VERSION,
        handle: principal.handle,
        sessionId: principal.session.sessionId,
        connectionId: connection.id,
      });
    } catch (error) {
      const reason = error instanceof ApiError ? error.message : "Sign in first.";
      connection.close(CLOSE_CODES.unauthorized, reason);
      return;
    }
    const device = deviceLabel(new URL(context.request.url).searchParams.get("device"));
    await this.presentity.connect({
      id: connection.id,
      status: "open",
      availability: "available",
      device,
      contact: inboxAddress(this.room.id),
      since: Date.now(),
    });
    // A principal who comes back is shown every buddy as they are now, never a stale state.
    await this.buddies.refresh();
    send(connection, { type: "buddies", buddies: this.buddies.list() });
  }

  async onClose(connection: Party.Connection<SocketState>): Promise<void> {
    await this.presentity.disconnect(connection.id);
  }

  async onError(connection: Party.Connection<SocketState>): Promise<void> {
    await this.presentity.disconnect(connection.id);
  }

  async onMessage(
    frame: string | ArrayBuffer | ArrayBufferView,
    connection: Party.Connection<SocketState>,
  ): Promise<void> {
    if (!connection.state) return; // not yet authenticated, or being closed
    const decoded = decodeFrame(ClientMessageSchema, frame);
    if (!decoded.ok) {
      send(connection, { type: "error", code: decoded.code, message: decoded.message });
      if (decoded.code === "too_large") connection.close(CLOSE_CODES.tooLarge, "frame too large");
      return;
    }
    await this.handle(decoded.value, connection);
  }

  private async handle(message: ClientMessage, connection: Party.Connection<SocketState>): Promise<void> {
    switch (message.type) {
      case "ping":
        send(connection, { type: "pong", ...(message.id ? { id: message.id } : {}) });
        return;
      case "device.idle":
        await this.presentity.setIdle(connection.id, message.idle);
        return;
      default: {
        const unhandled: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** Every open tab of this principal. */
  private toOwnTabs(message: ServerMessage): void {
    const frame = JSON.stringify(message);
    for (const connection of this.room.getConnections<SocketState>()) {
      if (connection.state) connection.send(frame);
    }
  }

  /** A NOTIFICATION to a subscriber's room; a room that no longer wants it ends the subscription. */
  private notify(watcher: string, body: { state: string; seq: number; view?: unknown }): void {
    this.rooms
      .call(watcher, "/rc/notify", body)
      .then(async (reply) => {
        if (reply.status === 410) await this.subscriptions.unsubscribed(watcher);
      })
      .catch((error) => console.error(`notification to ${watcher} failed`, error));
  }

  private closeSockets(sessionId: string | "all", reason: string): void {
    for (const connection of this.room.getConnections<SocketState>()) {
      if (sessionId === "all" || connection.state?.sessionId === sessionId) {
        connection.setState(null);
        connection.close(CLOSE_CODES.unauthorized, reason);
      }
    }
  }
}

/** A readable device label from the socket's query, bounded; "Browser" when absent. */
function deviceLabel(raw: string | null): string {
  const label = (raw ?? "")
    .replace(/\p{Cc}/gu, "") // control characters have no place in a label
    .trim()
    .slice(0, 64);
  return label || "Browser";
}
