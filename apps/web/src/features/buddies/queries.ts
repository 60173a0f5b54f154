import {
  type Buddy,
  BuddyListSchema,
  BuddySchema,
  OkSchema,
  type Subscriber,
  SubscriberListSchema,
  SubscriberSchema,
} from "@pim/protocol";
import { queryOptions } from "@tanstack/react-query";
import { request, roomPath } from "../../lib/api.ts";

/** My buddy list (my SUBSCRIPTIONS), kept live by the socket's buddy events. */
export function buddiesQueryOptions(handle: string) {
  return queryOptions({
    queryKey: ["buddies", handle] as const,
    queryFn: async (): Promise<Buddy[]> =>
      (await request(roomPath(handle, "/buddies"), BuddyListSchema)).buddies,
  });
}

/** Who asked to watch me, and where each request stands. */
export function subscribersQueryOptions(handle: string) {
  return queryOptions({
    queryKey: ["subscribers", handle] as const,
    queryFn: async (): Promise<Subscriber[]> =>
      (await request(roomPath(handle, "/subscribers"), SubscriberListSchema)).subscribers,
  });
}

export function addBuddy(handle: string, buddy: string): Promise<Buddy> {
  return request(roomPath(handle, "/buddies"), BuddySchema, { method: "POST", body: { handle: buddy } });
}

export function removeBuddy(handle: string, buddy: string): Promise<unknown> {
  return request(roomPath(handle, `/buddies/${encodeURIComponent(buddy)}`), OkSchema, { method: "DELETE" });
}

export function answerSubscriber(
  handle: string,
  watcher: string,
  decision: "approve" | "deny",
): Promise<Subscriber> {
  return request(roomPath(handle, `/subscribers/${encodeURIComponent(watcher)}`), SubscriberSchema, {
    method: "POST",
    body: { decision },
  });
}
