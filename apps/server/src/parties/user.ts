import {
  admitSocket,
  type Bucket,
  buddyRefreshDue,
  deviceTakenByClose,
  pruningDue,
  take,
  tuplesOfSockets,
} from "@pim/model";
import {
  CLOSE_CODES,
  ClientMessageSchema,
  cleanDeviceLabel,
  decodeFrame,
  inboxAddress,
  isCanonicalHandle,
  type ParsedClientMessage,
  PROTOCOL_VERSION,
  type PresenceTuple,
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
import { closeTab, send } from "../socket/send.ts";
import { upgradeAddressRefusal } from "../socket/upgrade.ts";
import { AccountStore } from "../store/account-store.ts";
import { ConversationStore } from "../store/conversation-store.ts";
import { PresenceStore } from "../store/presence-store.ts";
import { PrivacyStore } from "../store/privacy-store.ts";
import { WatchStore } from "../store/watch-store.ts";
import { LateHook } from "./late-hook.ts";

/**
 * What a room remembers about each socket, kept with the socket (its attachment) so that it
 * survives hibernation: a principal's tab (whose session, its PRESENCE TUPLE),
 * or another room's NOTIFICATION channel (which room, proven when it was opened).
 */
type TabState = { sessionId: string; tuple?: PresenceTuple; room?: undefined };
type ChannelState = { room: string; sessionId?: undefined };
type SocketState = TabState | ChannelState;

/**
 * The tags a socket is accepted with: one of the principal's tabs, or another room's channel.
 * PartyKit also tags each socket with its id (`_pk`), which can never hold a `#` (socket/upgrade.ts).
 */
const TAB_TAG = "#tab";
const CHANNEL_TAG = "#channel";

/**
 * One principal's room (`user/<handle>`): their account and sessions, presence, subscriptions
 * and watchers, buddy list, rules and blocklist, conversations and inbox. It decodes what
 * arrives, asks the parts (which ask the model), and sends.
 */
export default class UserRoom implements Party.Server {
  /**
   * Hibernation (decision 29): an idle room is evicted with its sockets kept open, and built again
   * on the next event. PartyKit reads this from the instance; a static would be ignored.
   */
  readonly options = { hibernate: true };

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
    const refusal = upgradeAddressRefusal(request.url);
    if (refusal) return errorResponse(refusal);
    return request;
  }

  private readonly config: ServerConfig;
  /** This room's counts when the deployment meters (`PIM_METER=1`); null, and never looked at again, otherwise. */
  private readonly meter: MeterCounts | null;
  /** The room's storage: counted through the meter when there is one, else the room's own. */
  private readonly storage: Party.Storage;
  private parts: Promise<RoomParts> | null = null;
  /**
   * Each tab's frame allowance, by socket id. In memory, not in the socket's attachment: written
   * on every frame, it cost messages at 500 a second (measured), and a room is evicted only after
   * 10 s idle, in which the allowance refills anyway.
   */
  private readonly frameAllowances = new Map<string, Bucket>();
  /** When a connecting socket last made the room refresh every buddy, and that refresh if running. */
  private buddiesRefreshedAt: number | null = null;
  private buddiesRefreshing: Promise<void> | null = null;

  constructor(readonly room: Party.Room) {
    this.config = readConfig(room.env);
    const name = knowsOwnId(room) ? room.id : "(woken for its alarm)";
    this.meter = meterOn(room.env) ? meterFor(name) : null;
    this.storage = this.meter ? meteredStorage(room.storage, this.meter) : room.storage;
    if (this.config.logWakes) console.log(`room woke: ${name}`);
  }

  /** Tabs and channels are told apart by tag, so frames to the tabs pass no channel. */
  getConnectionTags(_connection: Party.Connection, context: Party.ConnectionContext): string[] {
    return [context.request.headers.has(ROOM_CALL_HEADER) ? CHANNEL_TAG : TAB_TAG];
  }

  /**
   * The room's parts, built and loaded on first use rather than in the constructor: a room
   * that PartyKit wakes for its alarm has no id and no parties yet (a known PartyKit limit).
   */
  private ready(): Promise<RoomParts> {
    this.parts ??= this.assemble().catch((error: unknown) => {
      this.parts = null; // a storage error now is not this instance's end: the next event tries again
      throw error;
    });
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
        closeSockets: (sessionId, reason) => this.closeSockets(presentity, sessionId, reason),
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
    // After hibernation: the tabs still open are the presentity's devices, as before it slept.
    presentity.restore(tuplesOfSockets(this.tabs()));
    return { accounts, subscriptions, presentity, buddies, sender, inbox, app };
  }

  async onStart(): Promise<void> {
    if (!knowsOwnId(this.room)) return; // woken for an alarm set by an earlier version
    const parts = await this.ready();
    await this.pruneIfDue(parts);
    // Messages this room was sending when it stopped go out again (after a crash).
    await parts.sender.resume();
  }

  /**
   * WATCHER INFORMATION is kept 30 days: the room prunes it when it wakes and before requests
   * and frames, at most once per `pruneEveryMs`, never on an alarm. PartyKit builds an
   * alarm-woken room without its id or parties and keeps it so for every later event until it is
   * evicted: sockets and requests to it failed in that time (decision 29). Whatever reads watcher
   * information comes through a request, so nothing older than the kept period is ever shown; a
   * room nobody uses keeps its old records in storage until it is next used.
   */
  private prunedAt: number | null = null;

  /** Prunes what is due, at most once per `pruneEveryMs` (usually one comparison). */
  private async pruneIfDue(parts: RoomParts): Promise<void> {
    const now = Date.now();
    if (!pruningDue(this.prunedAt, now, this.config.pruneEveryMs)) return;
    this.prunedAt = now;
    if (parts.subscriptions.hasPrunable()) await parts.subscriptions.prune();
  }

  /** The principal's open tabs (not other rooms' channels), with what each keeps. */
  private *tabs(): Iterable<TabState | null> {
    for (const connection of this.room.getConnections<SocketState>(TAB_TAG)) {
      yield connection.state as TabState | null;
    }
  }

  /** An alarm an earlier version set: pruned from storage (the room has no id now), not set again. */
  async onAlarm(): Promise<void> {
    if (this.meter) this.meter.alarms++;
    await pruneStoredWatchers(new WatchStore(this.storage), Date.now(), watcherPolicy(this.config));
  }

  async onRequest(request: Party.Request): Promise<Response> {
    if (this.meter) {
      if (request.headers.has(ROOM_CALL_HEADER)) this.meter.requestsFromRooms++;
      else this.meter.requestsFromOutside++;
    }
    const parts = await this.ready();
    await this.pruneIfDue(parts);
    return parts.app.fetch(request as unknown as Request);
  }

  async onConnect(
    connection: Party.Connection<SocketState>,
    context: Party.ConnectionContext,
  ): Promise<void> {
    let parts: RoomParts;
    try {
      parts = await this.ready();
      await this.pruneIfDue(parts);
    } catch (error) {
      // Closed here: PartyKit would answer with another socket and leave this one open, unheld.
      console.error("a socket arrived while the room could not load", error);
      connection.close(CLOSE_CODES.internal, "Something went wrong on our side.");
      return;
    }
    const channelProof = context.request.headers.get(ROOM_CALL_HEADER);
    if (this.meter) {
      if (channelProof !== null) this.meter.channelsAccepted++;
      else this.meter.tabsOpened++;
    }
    if (channelProof !== null) {
      await this.acceptChannel(connection, channelProof);
      return;
    }
    let sessionId: string;
    try {
      const principal = await authenticate(
        context.request.headers as unknown as Headers,
        this.room.id,
        this.config.secret,
        parts.accounts,
        Date.now(),
      );
      sessionId = principal.session.sessionId;
      // A tab reconnecting with its socket id (partysocket keeps it) replaces its older socket,
      // which the room may still hold open: that one no longer counts, nor takes the device
      // away when it finally closes.
      if (this.idTakenByAnotherSession(connection, sessionId)) {
        closeTab(connection, CLOSE_CODES.forbidden, "This socket id is in use by another sign-in.");
        return;
      }
      this.replaceOlderSockets(connection, sessionId);
      // Counted and recorded with no await between: sockets connecting together are counted right.
      const open = [...this.room.getConnections<SocketState>(TAB_TAG)].flatMap((other) =>
        other !== connection && other.state?.sessionId ? [other.state.sessionId] : [],
      );
      const refusal = admitSocket(open, sessionId, this.config.sockets);
      if (refusal) {
        closeTab(connection, CLOSE_CODES.tooManySockets, tooManySocketsReason(refusal, this.config));
        return;
      }
      const tuple: PresenceTuple = {
        id: connection.id,
        status: "open",
        availability: "available",
        device: deviceLabel(new URL(context.request.url).searchParams.get("device")),
        contact: inboxAddress(this.room.id),
        since: Date.now(),
      };
      connection.setState({ sessionId, tuple });
      send(connection, {
        type: "hello",
        protocol: PROTOCOL_VERSION,
        handle: principal.handle,
        sessionId,
        connectionId: connection.id,
      });
      await parts.presentity.connect(tuple);
    } catch (error) {
      if (error instanceof ApiError) {
        closeTab(connection, CLOSE_CODES.unauthorized, error.message);
        return;
      }
      // Not the tab's fault (storage, a bug): it reconnects, and is not signed out. Its device,
      // if it got that far, goes with it: no socket would take it away otherwise.
      console.error("accepting a tab failed", error);
      connection.setState(null);
      await parts.presentity.disconnect(connection.id).catch(() => {});
      closeTab(connection, CLOSE_CODES.internal, "Something went wrong on our side.");
      return;
    }
    // A principal who comes back is shown every buddy as they are now, never a stale state.
    await this.refreshBuddies(parts);
    // Signed out (or replaced) while the buddies were asked: this socket is told nothing more.
    if (connection.state?.sessionId !== sessionId) return;
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
    await this.socketEnded(connection);
  }

  async onError(connection: Party.Connection<SocketState>): Promise<void> {
    await this.socketEnded(connection);
  }

  /**
   * A socket closed or failed. Its close is answered (a hibernatable socket's close is not,
   * otherwise, and the room at the other end of a channel would never be evicted); a tab still
   * admitted takes its device away, once (its state is cleared, should it end twice).
   */
  private async socketEnded(connection: Party.Connection<SocketState>): Promise<void> {
    try {
      connection.close();
    } catch {
      // already closed
    }
    const state = connection.state;
    const parts = await this.ready();
    const leaving = deviceTakenByClose(state?.room === undefined ? (state as TabState | null) : null);
    if (!leaving) return;
    this.frameAllowances.delete(connection.id);
    try {
      connection.setState(null);
    } catch {
      // a closed socket's state may be read-only; the presentity's own guard holds then
    }
    await parts.presentity.leave(leaving);
  }

  /**
   * Whether an open tab of another session holds this socket's id: the presentity knows a device
   * by its socket's id, so one session could otherwise take another's device away.
   */
  private idTakenByAnotherSession(connection: Party.Connection<SocketState>, sessionId: string): boolean {
    for (const other of this.othersWithId(connection)) {
      const held = other.state?.sessionId;
      if (held !== undefined && held !== sessionId) return true;
    }
    return false;
  }

  /**
   * The other open sockets with this socket's id. PartyKit tags each socket with its id; the id
   * check keeps out a socket whose id equals one of the room's own tags.
   */
  private *othersWithId(connection: Party.Connection<SocketState>): Iterable<Party.Connection<SocketState>> {
    for (const other of this.room.getConnections<SocketState>(connection.id)) {
      if (other !== connection && other.id === connection.id) yield other;
    }
  }

  /**
   * Older sockets of this session with this socket's id: cleared (they take nothing away when
   * they close) and closed. Another session's socket is never touched (see `idTakenByAnotherSession`).
   */
  private replaceOlderSockets(connection: Party.Connection<SocketState>, sessionId: string): void {
    for (const older of this.othersWithId(connection)) {
      if (older.state?.sessionId !== sessionId) continue;
      older.setState(null);
      closeTab(older, 1000, "replaced by a newer socket");
    }
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
    const allowance = take(this.frameAllowances.get(connection.id), Date.now(), this.config.frameRate);
    this.frameAllowances.set(connection.id, allowance.bucket);
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
      if (decoded.code === "too_large") {
        // Served no more: its device leaves now, as its close would take it.
        const tuple = deviceTakenByClose(state);
        connection.setState(null);
        closeTab(connection, CLOSE_CODES.tooLarge, "frame too large");
        if (tuple) await (await this.ready()).presentity.leave(tuple);
      }
      return;
    }
    try {
      const parts = await this.ready();
      await this.pruneIfDue(parts);
      await this.handle(parts, decoded.value, connection);
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
      case "device.idle": {
        await parts.presentity.setIdle(connection.id, message.idle);
        // Kept with the socket, so a room woken from hibernation shows the device as it was.
        const tuple = parts.presentity.device(connection.id);
        const state = connection.state;
        if (tuple && state?.sessionId) connection.setState({ ...state, tuple });
        return;
      }
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
    for (const connection of this.room.getConnections<SocketState>(TAB_TAG)) {
      if (connection.state?.sessionId) connection.send(frame);
    }
  }

  /**
   * A signed-out session's tabs: told to close, and their devices leave the presentity now, not
   * when (or if) each socket finally closes.
   */
  private async closeSockets(
    presentity: Presentity,
    sessionId: string | "all",
    reason: string,
  ): Promise<void> {
    const leaving: string[] = [];
    for (const connection of this.room.getConnections<SocketState>(TAB_TAG)) {
      const state = connection.state;
      if (!state?.sessionId) continue;
      if (sessionId === "all" || state.sessionId === sessionId) {
        connection.setState(null);
        closeTab(connection, CLOSE_CODES.unauthorized, reason);
        leaving.push(connection.id);
      }
    }
    const left = await Promise.allSettled(leaving.map((id) => presentity.disconnect(id)));
    for (const outcome of left) {
      if (outcome.status === "rejected") console.error("a signed-out device did not leave", outcome.reason);
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
