import {
  type ClientMessage,
  canonicalHandle,
  decodeFrame,
  type ServerMessage,
  ServerMessageSchema,
} from "@pim/protocol";
import PartySocket from "partysocket";
import { createEmitter } from "./emitter.ts";

/** What a room socket tells its listeners: decoded server events, and each close. */
export type RoomSocketEvents = {
  message: ServerMessage;
  close: { code: number; reason: string };
};

/**
 * A socket to one principal's room. It knows the protocol and nothing of the app: it opens,
 * reconnects with backoff, decodes each frame with the protocol's schema (dropping what fails,
 * with a warning), sends, and tells listeners. What an event means is the listener's business.
 */
export type RoomSocket = {
  on<K extends keyof RoomSocketEvents>(type: K, listener: (event: RoomSocketEvents[K]) => void): () => void;
  /** Sends now if the socket is open; false otherwise (the caller keeps what must not be lost). */
  send(message: ClientMessage): boolean;
  /** Sends now, or as soon as the socket is open again (for state the room should end up with). */
  queue(message: ClientMessage): void;
  /** Drops this connection and opens a new one (it looked open but carried nothing). */
  reconnect(): void;
  /** Closes for good: no more reconnecting. */
  close(): void;
};

/** Opens this tab's socket to `handle`'s room, authenticated by the session cookie. */
export function openRoomSocket(handle: string, device: string): RoomSocket {
  const events = createEmitter<RoomSocketEvents>();
  let closeReported = false;
  const socket = new PartySocket({
    host: window.location.host,
    party: "user",
    room: canonicalHandle(handle),
    query: { device },
  });
  socket.addEventListener("message", (event: MessageEvent) => {
    const decoded = decodeFrame(ServerMessageSchema, event.data as string);
    if (!decoded.ok) {
      console.warn("undecodable server message", decoded.message);
      return;
    }
    // The room is closing this socket: reported now, as the room's close, since the close
    // itself can reach the tab seconds late (a hibernating room's, in workerd). A listener that
    // ends the session closes the socket; otherwise it reconnects when the close comes.
    if (decoded.value.type === "closing") {
      closeReported = true;
      events.emit("close", { code: decoded.value.code, reason: decoded.value.reason });
      return;
    }
    events.emit("message", decoded.value);
  });
  socket.addEventListener("close", (event: CloseEvent) => {
    if (closeReported) {
      closeReported = false; // already reported, with the room's code and reason
      return;
    }
    events.emit("close", { code: event.code, reason: event.reason });
  });
  return {
    on: events.on,
    send(message) {
      if (socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
    queue: (message) => socket.send(JSON.stringify(message)), // partysocket holds it until open
    reconnect: () => socket.reconnect(),
    close: () => socket.close(),
  };
}
