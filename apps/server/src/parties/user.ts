import { admitSocket, type Bucket, buddyRefreshDue, take } from "@pim/model";
import {
  CLOSE_CODES,
  ClientMessageSchema,
  cleanDeviceLabel,
  decodeFrame,
  inboxAddress,
  isCanonicalHandle,
  type ParsedClientMessage,
  PROTOCOL_VERSION,
  RC_CHANNEL_PATH,
  RcChannelFrameSchema,
  type RcChannelReply,
  type RcNotify,
  type ServerMessage,
} from "@pim/protocol";
import type * as Party from "partykit/server";
import { authenticate, originAllowed } from "../auth/authenticate.ts";
import { requestToken } from "../auth/cookie.ts";
import { ROOM_CALL_HEADER, verifyRoomCall } from "../auth/room-call.ts";
import { readToken } from "../auth/session-token.ts";
import { readConfig, type ServerConfig, watcherPolicy } from "../config.ts";
import { ApiError, errorResponse } from "../http/api-error.ts";
import { createRoomApp } from "../http/app.ts";
import { Conversations } from "../messages/conversations.ts";
import { Inbox } from "../messages/inbox.ts";
import { Sender } from "../messages/sender.ts";
import { type MeterCounts, meteredParties, meteredStorage, meterFor, meterOn } from "../meter/meter.ts";
import { BuddyList } from "../presence/buddy-list.ts";
import { Presentity } from "../presence/presentity.ts";
import { pruneStoredWatchers, Subscriptions } from "../presence/subscriptions.ts";
import { type Affected, PrivacySettings } from "../privacy/privacy-settings.ts";
import { Refusal } from "../refusal.ts";
import { RoomChannels } from "../rooms/room-channels.ts";
import { RoomClient } from "../rooms/room-client.ts";
import { admitSignUp } from "../rooms/sign-up-gate.ts";
import { buddyUpdatedFrame } from "../socket/json-text.ts";
import { send } from "../socket/send.ts";
import { AccountStore } from "../store/account-store.ts";
import { ConversationStore } from "../store/conversation-store.ts";
import { PresenceStore } from "../store/presence-store.ts";
import { PrivacyStore } from "../store/privacy-store.ts";
import { WatchStore } from "../store/watch-store.ts";
import { LateHook } from "./late-hook.ts";

/**
 * What a room remembers about each socket: a principal's tab (whose session, how fast it sends),
 * or another room's NOTIFICATION channel (which room, proven when it was opened).
 */
type TabState = { sessionId: string; frames?: Bucket; room?: undefined };
type ChannelState = { room: string; sessionId?: undefined };
type SocketState = TabState | ChannelState;

/**
 * One principal's room (`user/<handle>`): their account and sessions, presence, subscriptions
 * and watchers, buddy list, rules and blocklist, conversations and inbox. It decodes what
 * arrives, asks the parts (which ask the model), and sends.
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
    // Rooms open their channels to each other directly; from outside, such an upgrade is forged.
    if (request.headers.has(ROOM_CALL_HEADER)) {
      return errorResponse(new ApiError(403, "forbidden", "Room-to-room channels cannot come from outside."));
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

  private readonly config: ServerConfig;
  /** This room's counts when the deployment meters (`PIM_METER=1`); null, and never looked at again, otherwise. */
  private readonly meter: MeterCounts | null;
  /** The room's storage: counted through the meter when there is one, else the room's own. */
  private readonly storage: Party.Storage;
  private parts: Promise<RoomParts> | null = null;
  /** When a connecting socket last made the room refresh every buddy, and that refresh if running. */
  private buddiesRefreshedAt: number | null = null;
  private buddiesRefreshing: Promise<void> | null = null;

  constructor(readonly room: Party.Room) {
    this.config = readConfig(room.env);
    this.meter = meterOn(room.env) ? meterFor(knowsOwnId(room) ? room.id : "(woken for its alarm)") : null;
    this.storage = this.meter ? meteredStorage(room.storage, this.meter) : room.storage;
  }

  /**
   * The room's parts, built and loaded on first use rather than in the constructor: a room
   * that PartyKit wakes for its alarm has no id and no parties yet (a known PartyKit limit).
   */
  private ready(): Promise<RoomParts> {
    this.parts ??= this.assemble();
    return this.parts;
  }

  /**
   * Builds the parts in dependency order: each takes the parts built before it. The three edges
   * that point forward (privacy's change re-evaluates subscriptions, a subscriber's room saying
   * "gone" ends its subscription, a change in whom I show OPEN releases held receipts) and the
   * presentity's audience are set once, as soon as their target exists and before anything loads.
   */
  private async assemble(): Promise<RoomParts> {
    const room = this.room;
    const storage = this.storage;
    const parties = this.meter ? meteredParties(room.context.parties, this.meter) : room.context.parties;
    const now = () => Date.now();
    const accounts = new AccountStore(storage);
    const watchStore = new WatchStore(storage);
    const rooms = new RoomClient(parties, room.id, this.config.secret);
    const privacyChanged = new LateHook<[Affected], Promise<void>>("privacy's change");
    const subscriberGone = new LateHook<[string], void>("a subscriber's room saying gone");
    const shownOpenChanged = new LateHook<[], void>("a change in whom I show OPEN");

    const privacy = new PrivacySettings(room.id, new PrivacyStore(storage), rooms, privacyChanged.call);
    const channels = new RoomChannels(parties, room.id, this.config.secret, rooms, subscriberGone.call, {
      idleMs: this.config.channelIdleMs,
      now,
    });
    const presentity = new Presentity(
      room.id,
      new PresenceStore(storage),
      {
        toSelf: (view, chosen, devices) => {
          this.toOwnTabs({ type: "presence.self", presence: { view, chosen, devices } });
          shownOpenChanged.call();
        },
        notify: (watcher, view, seq) => channels.tell(watcher, { state: "active", view, seq }),
      },
      now,
      this.config.presence,
      this.config.coalescing,
    );
    const subscriptions = new Subscriptions(
      watchStore,
      presentity,
      privacy,
      {
        toSelf: (subscriber) => {
          this.toOwnTabs({ type: "subscriber.updated", subscriber });
          shownOpenChanged.call(); // an approved watcher now sees me
        },
        watcherToSelf: (watcher) => this.toOwnTabs({ type: "watcher.updated", watcher }),
        watcherRemovedToSelf: (id) => this.toOwnTabs({ type: "watcher.removed", id }),
        tellSubscriber: (watcher, state, view, seq) =>
          notifySubscriber(channels, subscriberGone.call, watcher, { state, seq, ...(view ? { view } : {}) }),
        recorded: () => void this.armPruning(),
      },
      now,
      watcherPolicy(this.config),
      this.config.subscriberLimits,
      this.config.fetchRate,
    );
    presentity.publishTo(subscriptions);
    subscriberGone.set((watcher) => void subscriptions.unsubscribed(watcher));

    const buddies = new BuddyList(
      room.id,
      watchStore,
      rooms,
      (target) => privacy.anonymousTowards(target),
      {
        updated: (_buddy, text) => this.toOwnTabsFrame(buddyUpdatedFrame(text)),
        removed: (handle) => this.toOwnTabs({ type: "buddy.removed", handle }),
      },
      now,
      this.config.viewWriteDelayMs,
    );
    const conversations = new Conversations(new ConversationStore(storage), {
      changed: (message) => this.toOwnTabs({ type: "message.stored", message }),
    });
    const sender = new Sender(room.id, conversations, rooms, now);
    const inbox = new Inbox(
      room.id,
      conversations,
      {
        rules: () => privacy.deliveryRules(),
        isBlocked: (handle) => privacy.isBlocked(handle),
        isBuddy: (handle) => buddies.isBuddy(handle),
        presence: () => presentity.view().view,
        presenceSeenBy: (handle) => subscriptions.transform(handle, presentity.view().view),
      },
      rooms,
      {
        read: (conversation, upToSeq, unread) =>
          this.toOwnTabs({ type: "conversation.read", conversation, upToSeq, unread }),
        deleted: (conversation, seq) => this.toOwnTabs({ type: "message.deleted", conversation, seq }),
        conversationDeleted: (conversation) => this.toOwnTabs({ type: "conversation.deleted", conversation }),
        typing: (from, typing) => this.toOwnTabs({ type: "typing", from, typing }),
      },
      { sender: this.config.senderRate, inbox: this.config.inboxRate, quota: this.config.inboxQuota },
      now,
    );
    shownOpenChanged.set(() => void inbox.releaseHeldReceipts());
    privacyChanged.set(async (affected) => {
      await subscriptions.reevaluate(affected);
      this.toOwnTabs({ type: "privacy.updated" });
      void inbox.releaseHeldReceipts(); // a lifted polite block, or someone let in
    });

    const app = createRoomApp(
      {
        roomId: room.id,
        config: this.config,
        accounts,
        closeSockets: (sessionId, reason) => this.closeSockets(sessionId, reason),
        admitSignUp: (headers) => admitSignUp(rooms, this.config.secret, headers),
        now,
      },
      { presentity, subscriptions, buddies, rooms, privacy, conversations, sender, inbox },
    );
    await Promise.all([
      presentity.load(),
      subscriptions.load(),
      buddies.load(),
      privacy.load(),
      conversations.load(),
    ]);
    return { accounts, subscriptions, presentity, buddies, sender, inbox, app };
  }

  async onStart(): Promise<void> {
    if (!knowsOwnId(this.room)) return; // woken for the alarm only
    const { subscriptions, sender } = await this.ready();
    if (subscriptions.hasWatchers()) await this.armPruning();
    // Messages this room was sending when it stopped go out again (after a crash).
    await sender.resume();
  }

  /**
   * WATCHER INFORMATION is kept 30 days: the room prunes it itself, on an alarm armed only while
   * there is something to prune, so that a room nobody uses (or nobody has) never wakes.
   */
  private pruningArmed = false;
  private async armPruning(): Promise<void> {
    if (this.pruningArmed) return;
    this.pruningArmed = true;
    if ((await this.storage.getAlarm()) === null) {
      await this.storage.setAlarm(Date.now() + this.config.pruneEveryMs);
    }
  }

  async onAlarm(): Promise<void> {
    if (this.meter) this.meter.alarms++;
    const policy = watcherPolicy(this.config);
    const store = new WatchStore(this.storage);
    if (this.parts) await (await this.parts).subscriptions.prune();
    else await pruneStoredWatchers(store, Date.now(), policy);
    // Re-armed directly: the alarm being handled still counts as set until this returns.
    this.pruningArmed = await store.hasWatchers();
    if (this.pruningArmed) await this.storage.setAlarm(Date.now() + this.config.pruneEveryMs);
  }

  async onRequest(request: Party.Request): Promise<Response> {
    if (this.meter) {
      if (request.headers.has(ROOM_CALL_HEADER)) this.meter.requestsFromRooms++;
      else this.meter.requestsFromOutside++;
    }
    const { app } = await this.ready();
    return app.fetch(request as unknown as Request);
  }

  async onConnect(
    connection: Party.Connection<SocketState>,
    context: Party.ConnectionContext,
  ): Promise<void> {
    const parts = await this.ready();
    const channelProof = context.request.headers.get(ROOM_CALL_HEADER);
    if (this.meter) {
      if (channelProof !== null) this.meter.channelsAccepted++;
      else this.meter.tabsOpened++;
    }
    if (channelProof !== null) {
      await this.acceptChannel(connection, channelProof);
      return;
    }
    try {
      const principal = await authenticate(
        context.request.headers as unknown as Headers,
        this.room.id,
        this.config.secret,
        parts.accounts,
        Date.now(),
      );
      // Counted and recorded with no await between: sockets connecting together are counted right.
      const open = [...this.room.getConnections<SocketState>()].flatMap((other) =>
        other !== connection && other.state?.sessionId ? [other.state.sessionId] : [],
      );
      const refusal = admitSocket(open, principal.session.sessionId, this.config.sockets);
      if (refusal) {
        connection.close(CLOSE_CODES.tooManySockets, tooManySocketsReason(refusal, this.config));
        return;
      }
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
    await parts.presentity.connect({
      id: connection.id,
      status: "open",
      availability: "available",
      device,
      contact: inboxAddress(this.room.id),
      since: Date.now(),
    });
    // A principal who comes back is shown every buddy as they are now, never a stale state.
    await this.refreshBuddies(parts);
    send(connection, { type: "buddies", buddies: parts.buddies.list() });
  }

  /**
   * Refreshes every buddy at most once per `refreshEveryMs`: a socket connecting within that
   * joins the refresh under way or takes the list as held, which notifications keep current.
   */
  private refreshBuddies(parts: RoomParts): Promise<void> {
    if (this.buddiesRefreshing) return this.buddiesRefreshing;
    const now = Date.now();
    if (!buddyRefreshDue(this.buddiesRefreshedAt, now, this.config.sockets)) return Promise.resolve();
    this.buddiesRefreshedAt = now;
    this.buddiesRefreshing = parts.buddies.refresh().finally(() => {
      this.buddiesRefreshing = null;
    });
    return this.buddiesRefreshing;
  }

  async onClose(connection: Party.Connection<SocketState>): Promise<void> {
    if (connection.state?.room) return;
    await (await this.ready()).presentity.disconnect(connection.id);
  }

  async onError(connection: Party.Connection<SocketState>): Promise<void> {
    if (connection.state?.room) return;
    await (await this.ready()).presentity.disconnect(connection.id);
  }

  /** Another room's NOTIFICATION channel: its upgrade must be signed by that room, for this path. */
  private async acceptChannel(connection: Party.Connection<SocketState>, proof: string): Promise<void> {
    const caller = await verifyRoomCall(
      this.config.secret,
      proof,
      { to: this.room.id, method: "GET", path: RC_CHANNEL_PATH, body: "" },
      Date.now(),
    );
    if (!caller) {
      connection.close(CLOSE_CODES.forbidden, "The room-to-room channel is not valid.");
      return;
    }
    connection.setState({ room: caller });
  }

  /** A NOTIFICATION on a channel: the caller is the room proven at the upgrade, never the frame. */
  private async onChannelFrame(
    frame: string | ArrayBuffer | ArrayBufferView,
    caller: string,
    connection: Party.Connection<SocketState>,
  ): Promise<void> {
    const decoded = decodeFrame(RcChannelFrameSchema, frame);
    if (!decoded.ok) {
      console.error(`a bad channel frame from ${caller}: ${decoded.message}`);
      return;
    }
    const { n, notification } = decoded.value;
    let reply: RcChannelReply;
    try {
      const wanted = await (await this.ready()).buddies.notified(caller, notification);
      reply = { type: wanted ? "notified" : "gone", ...(n === undefined ? {} : { n }) };
    } catch (error) {
      console.error(`a notification from ${caller} failed`, error);
      reply = { type: "failed", ...(n === undefined ? {} : { n }) };
    }
    // A frame that asked no reply is answered only when it was not wanted.
    if (n !== undefined || reply.type === "gone") connection.send(JSON.stringify(reply));
  }

  async onMessage(
    frame: string | ArrayBuffer | ArrayBufferView,
    connection: Party.Connection<SocketState>,
  ): Promise<void> {
    if (this.meter) {
      if (connection.state?.room) this.meter.channelFramesIn++;
      else this.meter.tabFramesIn++;
    }
    if (!connection.state) return; // not yet authenticated, or being closed
    if (connection.state.room) {
      await this.onChannelFrame(frame, connection.state.room, connection);
      return;
    }
    const state = connection.state as TabState;
    // A flood from one socket is refused frame by frame; everyone else is served as usual.
    const allowance = take(state.frames, Date.now(), this.config.frameRate);
    connection.setState({ ...state, frames: allowance.bucket });
    const decoded = decodeFrame(ClientMessageSchema, frame);
    if (!allowance.ok) {
      const message = "Too many messages at once. Slow down.";
      if (decoded.ok && decoded.value.type === "message.send") {
        send(connection, { type: "message.ack", id: decoded.value.id, state: "failed", reason: message });
      } else {
        send(connection, { type: "error", code: "rate_limited", message });
      }
      return;
    }
    if (!decoded.ok) {
      send(connection, { type: "error", code: decoded.code, message: decoded.message });
      if (decoded.code === "too_large") connection.close(CLOSE_CODES.tooLarge, "frame too large");
      return;
    }
    try {
      await this.handle(await this.ready(), decoded.value, connection);
    } catch (error) {
      // A refusal becomes an error frame here, as `app.onError` makes it a response for HTTP.
      if (error instanceof Refusal) {
        send(connection, { type: "error", code: error.code, message: error.message });
        return;
      }
      console.error(`handling a ${decoded.value.type} failed`, error);
      if (decoded.value.type === "message.send") {
        // Answered, so the tab does not show it "Sending…" for ever; a retry keeps its id, and
        // the rooms recognize an id they hold, so whatever part went through is not doubled.
        send(connection, {
          type: "message.ack",
          id: decoded.value.id,
          state: "failed",
          reason: "Not sent: something went wrong on our side. Try again.",
        });
        return;
      }
      send(connection, { type: "error", code: "internal", message: "Something went wrong on our side." });
    }
  }

  private async handle(
    parts: RoomParts,
    message: ParsedClientMessage,
    connection: Party.Connection<SocketState>,
  ): Promise<void> {
    switch (message.type) {
      case "ping":
        send(connection, { type: "pong", ...(message.id ? { id: message.id } : {}) });
        return;
      case "device.idle":
        await parts.presentity.setIdle(connection.id, message.idle);
        return;
      case "message.send":
        // Acknowledged to the tab that sent it; every tab sees the stored message move.
        send(connection, await parts.sender.send(message));
        return;
      case "message.read":
        await parts.inbox.read(message.conversation, message.upToSeq);
        return;
      case "typing":
        parts.inbox.typingTo(message.to, message.typing);
        return;
      default: {
        const unhandled: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** Every open tab of this principal. */
  private toOwnTabs(message: ServerMessage): void {
    this.toOwnTabsFrame(JSON.stringify(message));
  }

  /** A server message already serialized (see `buddyUpdatedFrame`), to every open tab. */
  private toOwnTabsFrame(frame: string): void {
    for (const connection of this.room.getConnections<SocketState>()) {
      if (connection.state?.sessionId) connection.send(frame);
    }
  }

  private closeSockets(sessionId: string | "all", reason: string): void {
    for (const connection of this.room.getConnections<SocketState>()) {
      if (!connection.state?.sessionId) continue;
      if (sessionId === "all" || connection.state.sessionId === sessionId) {
        connection.setState(null);
        connection.close(CLOSE_CODES.unauthorized, reason);
      }
    }
  }
}

/** What the room itself reaches of its parts, once loaded; the rest is reached through these. */
type RoomParts = {
  accounts: AccountStore;
  subscriptions: Subscriptions;
  presentity: Presentity;
  buddies: BuddyList;
  sender: Sender;
  inbox: Inbox;
  app: ReturnType<typeof createRoomApp>;
};

/**
 * A NOTIFICATION to a subscriber's room; a room that no longer wants it ends the subscription.
 * Never throws: a room that cannot be reached now catches up when its principal comes back.
 */
function notifySubscriber(
  channels: RoomChannels,
  gone: (watcher: string) => void,
  watcher: string,
  notification: RcNotify,
): Promise<void> {
  return channels
    .notify(watcher, notification)
    .then((outcome) => {
      if (outcome === "gone") gone(watcher);
      if (outcome === "failed") console.error(`notification to ${watcher} failed`);
    })
    .catch((error) => console.error(`notification to ${watcher} failed`, error));
}

/** False while PartyKit runs the room for its alarm alone (the id is not known then). */
function knowsOwnId(room: Party.Room): boolean {
  try {
    return Boolean(room.id);
  } catch {
    return false;
  }
}

/** The close reason of a socket past a limit, naming the limit. */
function tooManySocketsReason(refusal: "session" | "principal", config: ServerConfig): string {
  return refusal === "session"
    ? `Too many open tabs for this sign-in (at most ${config.sockets.perSession}).`
    : `Too many open tabs and devices (at most ${config.sockets.perPrincipal}).`;
}

/** A readable device label from the socket's query (see `cleanDeviceLabel`); "Browser" when absent. */
function deviceLabel(raw: string | null): string {
  return cleanDeviceLabel(raw ?? "") || "Browser";
}
