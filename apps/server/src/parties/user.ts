import {
  CLOSE_CODES,
  type ClientMessage,
  ClientMessageSchema,
  decodeFrame,
  isCanonicalHandle,
  PROTOCOL_VERSION,
} from "@pim/protocol";
import type * as Party from "partykit/server";
import { authenticate, originAllowed } from "../auth/authenticate.ts";
import { requestToken } from "../auth/cookie.ts";
import { ROOM_CALL_HEADER } from "../auth/room-call.ts";
import { readToken } from "../auth/session-token.ts";
import { readConfig, type ServerConfig } from "../config.ts";
import { ApiError, errorResponse } from "../http/api-error.ts";
import { createRoomApp } from "../http/app.ts";
import { send } from "../socket/send.ts";
import { AccountStore } from "../store/account-store.ts";

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

  constructor(readonly room: Party.Room) {
    this.accounts = new AccountStore(room.storage);
    this.config = readConfig(room.env);
    this.app = createRoomApp({
      roomId: room.id,
      config: this.config,
      accounts: this.accounts,
      closeSockets: (sessionId, reason) => this.closeSockets(sessionId, reason),
      now: () => Date.now(),
    });
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
    }
  }

  onMessage(frame: string | ArrayBuffer | ArrayBufferView, connection: Party.Connection<SocketState>): void {
    if (!connection.state) return; // not yet authenticated, or being closed
    const decoded = decodeFrame(ClientMessageSchema, frame);
    if (!decoded.ok) {
      send(connection, { type: "error", code: decoded.code, message: decoded.message });
      if (decoded.code === "too_large") connection.close(CLOSE_CODES.tooLarge, "frame too large");
      return;
    }
    this.handle(decoded.value, connection);
  }

  private handle(message: ClientMessage, connection: Party.Connection<SocketState>): void {
    switch (message.type) {
      case "ping":
        send(connection, { type: "pong", ...(message.id ? { id: message.id } : {}) });
        return;
      default: {
        const unhandled: never = message.type;
        throw new Error(`unhandled message ${String(unhandled)}`);
      }
    }
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
