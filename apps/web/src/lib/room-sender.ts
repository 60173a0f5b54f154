import type { ClientMessage } from "@pim/protocol";
import { createContext, useContext } from "react";

/**
 * Sends a frame to my room now, if the room has greeted the socket. False otherwise: callers
 * keep what must not be lost (the outbox) and it goes out when the room greets the socket again.
 */
export type SendToRoom = (message: ClientMessage) => boolean;

/** Given by whoever holds the room socket (the app), read by the features that send. */
export const RoomSenderContext = createContext<SendToRoom>(() => false);

export function useSendToRoom(): SendToRoom {
  return useContext(RoomSenderContext);
}
