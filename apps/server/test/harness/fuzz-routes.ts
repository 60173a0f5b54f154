import {
  AccessRulesSchema,
  AddBuddySchema,
  AnswerSubscriberSchema,
  BlockSchema,
  CredentialsSchema,
  DeliveryRulesSchema,
  RcDeliverSchema,
  RcFetchSchema,
  RcNotifySchema,
  RcReceiptSchema,
  RcSubscribeSchema,
  RcTypingSchema,
  SetPresenceSchema,
  VisibilityRulesSchema,
} from "@pim/protocol";
import type { z } from "zod";

/**
 * Every route of a principal's room (apps/server/src/http/routes/*), as the fuzzer sends to it:
 * the path below /parties/user/<handle>, its parameters, and the schema its body is read with.
 * fuzz.test.ts checks this list against the routes the Hono app declares.
 */
export type RouteCase = {
  method: string;
  path: string;
  params: string[];
  body?: z.ZodType;
  /** Parameters may name real people: the route only reads. */
  readOnly: boolean;
  /** With a valid session it ends that session whatever the input: never sent so. */
  endsSession?: boolean;
  /** A room-to-room route: from outside, always refused. */
  rc?: boolean;
  /** Sign-up, sign-in, tokens: no session needed. */
  auth?: boolean;
};

const route = (
  method: string,
  path: string,
  extra: Partial<Omit<RouteCase, "method" | "path" | "params">> = {},
): RouteCase => ({
  method,
  path,
  params: [...path.matchAll(/:(\w+)/g)].map((m) => m[1] as string),
  readOnly: method === "GET",
  ...extra,
});

export const ROUTES: RouteCase[] = [
  route("POST", "/signup", { body: CredentialsSchema, auth: true }),
  route("POST", "/signin", { body: CredentialsSchema, auth: true }),
  route("POST", "/tokens", { body: CredentialsSchema, auth: true }),
  route("GET", "/session"),
  route("POST", "/signout", { endsSession: true }),
  route("POST", "/signout-everywhere", { endsSession: true }),
  route("GET", "/buddies"),
  route("POST", "/buddies", { body: AddBuddySchema }),
  route("DELETE", "/buddies/:buddy"),
  route("GET", "/subscribers"),
  route("POST", "/subscribers/:watcher", { body: AnswerSubscriberSchema }),
  route("DELETE", "/subscribers/:watcher"),
  route("GET", "/presence"),
  route("POST", "/presence", { body: SetPresenceSchema }),
  route("GET", "/presence/:target"),
  route("GET", "/privacy"),
  route("PUT", "/privacy/rules", { body: AccessRulesSchema }),
  route("PUT", "/privacy/delivery", { body: DeliveryRulesSchema }),
  route("PUT", "/privacy/visibility", { body: VisibilityRulesSchema }),
  route("GET", "/privacy/preview/:watcher"),
  route("GET", "/blocklist"),
  route("POST", "/blocklist", { body: BlockSchema }),
  route("DELETE", "/blocklist/:who"),
  route("GET", "/watchers"),
  route("POST", "/watchers/:watcher/block"),
  route("GET", "/conversations"),
  route("GET", "/conversations/:peer/messages"),
  route("DELETE", "/conversations/:peer/messages/:seq"),
  route("DELETE", "/conversations/:peer"),
  route("GET", "/conversations/:peer/deliverable"),
  route("POST", "/rc/subscribe", { body: RcSubscribeSchema, rc: true }),
  route("POST", "/rc/exists", { rc: true }),
  route("POST", "/rc/unsubscribe", { rc: true }),
  route("POST", "/rc/fetch", { body: RcFetchSchema, rc: true }),
  route("POST", "/rc/notify", { body: RcNotifySchema, rc: true }),
  route("POST", "/rc/deliver", { body: RcDeliverSchema, rc: true }),
  route("POST", "/rc/deliverable", { rc: true }),
  route("POST", "/rc/receipt", { body: RcReceiptSchema, rc: true }),
  route("POST", "/rc/typing", { body: RcTypingSchema, rc: true }),
  route("GET", "/rc/channel", { rc: true }),
];
