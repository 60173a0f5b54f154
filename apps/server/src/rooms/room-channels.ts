import { CHANNEL_IDLE_MS, channelIdle } from "@pim/model";
import {
  decodeFrame,
  RC_CHANNEL_PATH,
  type RcChannelFrame,
  RcChannelReplySchema,
  type RcNotify,
} from "@pim/protocol";
import type * as Party from "partykit/server";
import { ROOM_CALL_HEADER, signRoomCall } from "../auth/room-call.ts";
import type { RoomClient } from "./room-client.ts";

/** What became of a NOTIFICATION: taken by the subscriber's room, refused (not subscribed), or lost. */
export type NotifyOutcome = "notified" | "gone" | "failed";

/** A notification waiting for its reply this long is sent again by HTTP. */
const REPLY_WAIT_MS = 10_000;

type Pending = { notification: RcNotify; settle: (outcome: NotifyOutcome) => void };
type Channel = {
  to: string;
  socket: Promise<WebSocket>;
  /**
   * The socket once open: frames then go out at once, without a promise turn each. Until then,
   * what was sent waits for it, so the channel is not idle.
   */
  open?: WebSocket;
  /** Notifications waiting for their reply, by frame number. */
  pending: Map<number, Pending & { timer: ReturnType<typeof setTimeout> }>;
  next: number;
  /** The latest notification sent without asking for a reply: sent again by HTTP if the channel is lost. */
  lastTold?: RcNotify;
  lost: boolean;
  /** When a frame was last sent or a reply last came (the idle check's clock). */
  lastUsedAt: number;
  /** The pending idle check, while the channel is open. */
  idleCheck: ReturnType<typeof setTimeout> | null;
};

/** How channels are kept: closed after `idleMs` unused (decision 28); `now` is the clock. */
export type ChannelOptions = { idleMs: number; now: () => number };

/**
 * NOTIFICATIONS from this presentity's room to its subscribers' rooms over sockets kept open
 * between the rooms. Opening one is signed like a room call, so the subscriber's room knows
 * every frame on it is ours. A frame on an open socket costs a fraction of an HTTP call between
 * rooms, which is what lets one change reach hundreds of subscribers quickly.
 *
 * `tell` sends a presence change and asks no reply (each view replaces the previous one; the
 * subscriber answers only "gone"); `notify` waits for the reply (subscription decisions). What a
 * channel cannot carry (it will not open, closes, or gives no reply) goes by the signed HTTP
 * call instead: the pending notifications and the latest one told.
 *
 * A channel unused for `idleMs` (nothing sent, no reply awaited) is closed, so rooms between
 * which nothing happens hold no socket open to each other (decision 28).
 */
export class RoomChannels {
  private readonly channels = new Map<string, Channel>();

  constructor(
    private readonly parties: Party.Context["parties"],
    private readonly from: string,
    private readonly secret: string,
    private readonly rooms: RoomClient,
    /** A subscriber's room said it no longer wants my notifications. */
    private readonly onGone: (to: string) => void,
    private readonly options: ChannelOptions = { idleMs: CHANNEL_IDLE_MS, now: () => Date.now() },
  ) {}

  /** How many channels are open (or opening) now. */
  get openCount(): number {
    return this.channels.size;
  }

  /** A presence NOTIFICATION, without waiting for it. */
  tell(to: string, notification: RcNotify): void {
    const channel = this.open(to);
    channel.lastTold = notification;
    this.sendText(channel, this.toldText(notification));
  }

  /**
   * The frame of a NOTIFICATION told: one change to many subscribers tells each of those the
   * rules treat alike the same view object (`Subscriptions.transform`) with the same sequence
   * number, so the frame is serialized once per distinct view, not once per subscriber.
   */
  private readonly told = new WeakMap<object, { notification: RcNotify; text: string }>();
  private toldText(notification: RcNotify): string {
    // Only a notification of exactly state, view and seq is recognized by those.
    const view = Object.keys(notification).length === 3 ? notification.view : undefined;
    const known = view && this.told.get(view);
    if (
      known &&
      known.notification.seq === notification.seq &&
      known.notification.state === notification.state
    )
      return known.text;
    const text = JSON.stringify({ type: "notify", notification } satisfies RcChannelFrame);
    if (view) this.told.set(view, { notification, text });
    return text;
  }

  /** A NOTIFICATION whose outcome the caller waits for. */
  notify(to: string, notification: RcNotify): Promise<NotifyOutcome> {
    const channel = this.open(to);
    const n = channel.next++;
    return new Promise<NotifyOutcome>((settle) => {
      const timer = setTimeout(() => this.byHttp(channel, n), REPLY_WAIT_MS);
      channel.pending.set(n, { notification, settle, timer });
      this.send(channel, { type: "notify", n, notification });
    });
  }

  private send(channel: Channel, frame: RcChannelFrame): void {
    this.sendText(channel, JSON.stringify(frame));
  }

  private sendText(channel: Channel, text: string): void {
    this.used(channel);
    // Sent at once on an open channel (a change to 500 subscribers is 500 sends in one turn);
    // while it opens, in order behind the opening (whose callback sets `open` first).
    if (channel.open) this.sendOn(channel, channel.open, text);
    else
      channel.socket.then(
        (socket) => this.sendOn(channel, socket, text),
        () => undefined, // `open` hands everything to HTTP
      );
  }

  private sendOn(channel: Channel, socket: WebSocket, text: string): void {
    if (channel.lost) return; // handed to HTTP already
    try {
      socket.send(text);
    } catch {
      this.lose(channel);
    }
  }

  private open(to: string): Channel {
    const existing = this.channels.get(to);
    if (existing) return existing;
    const channel: Channel = {
      to,
      socket: this.connect(to),
      pending: new Map(),
      next: 0,
      lost: false,
      lastUsedAt: this.options.now(),
      idleCheck: null,
    };
    this.channels.set(to, channel);
    channel.socket.then(
      (socket) => {
        channel.open = socket;
        socket.addEventListener("message", (event) => this.replied(channel, event.data));
        socket.addEventListener("close", () => this.lose(channel));
        socket.addEventListener("error", () => this.lose(channel));
      },
      () => this.lose(channel),
    );
    return channel;
  }

  private async connect(to: string): Promise<WebSocket> {
    const party = this.parties.user;
    if (!party) throw new Error("the user party is not configured");
    const header = await signRoomCall(
      this.secret,
      { from: this.from, to, method: "GET", path: RC_CHANNEL_PATH, body: "" },
      Date.now(),
    );
    return party.get(to).socket(RC_CHANNEL_PATH, { headers: { [ROOM_CALL_HEADER]: header } });
  }

  /** The channel was used now: an idle check is armed if none is. */
  private used(channel: Channel): void {
    channel.lastUsedAt = this.options.now();
    if (channel.idleCheck === null && !channel.lost) this.checkIdleIn(channel, this.options.idleMs);
  }

  private checkIdleIn(channel: Channel, ms: number): void {
    channel.idleCheck = setTimeout(() => {
      channel.idleCheck = null;
      if (channel.lost) return;
      const awaited = channel.pending.size + (channel.open ? 0 : 1);
      const check = channelIdle(channel.lastUsedAt, this.options.now(), awaited, this.options.idleMs);
      if (check.close) this.closeIdle(channel);
      else this.checkIdleIn(channel, check.checkAgainInMs);
    }, ms);
  }

  /**
   * Closes an idle channel. Everything sent on it went out at least `idleMs` ago and nothing
   * awaits a reply, so nothing is handed to HTTP; the next notification opens a new channel.
   */
  private closeIdle(channel: Channel): void {
    this.retire(channel);
    try {
      channel.open?.close(1000, "idle"); // open: a channel still opening is never idle
    } catch {
      // already closed
    }
  }

  /** No frame goes on this channel any more; the next notification to its room opens another. */
  private retire(channel: Channel): void {
    channel.lost = true;
    if (channel.idleCheck !== null) clearTimeout(channel.idleCheck);
    channel.idleCheck = null;
    if (this.channels.get(channel.to) === channel) this.channels.delete(channel.to);
  }

  private replied(channel: Channel, data: unknown): void {
    if (!channel.lost) channel.lastUsedAt = this.options.now();
    const decoded = decodeFrame(RcChannelReplySchema, data as string);
    if (!decoded.ok) return;
    const { type, n } = decoded.value;
    const pending = n === undefined ? undefined : channel.pending.get(n);
    if (!pending) {
      if (type === "gone") this.onGone(channel.to);
      return;
    }
    channel.pending.delete(n as number);
    clearTimeout(pending.timer);
    if (type === "failed") this.retry(channel.to, pending);
    else pending.settle(type);
  }

  /** The channel is gone: forget it (the next notification opens a new one); HTTP for the rest. */
  private lose(channel: Channel): void {
    if (channel.lost) return;
    this.retire(channel);
    for (const n of [...channel.pending.keys()]) this.byHttp(channel, n);
    const told = channel.lastTold;
    if (told) {
      this.retry(channel.to, {
        notification: told,
        settle: (outcome) => {
          if (outcome === "gone") this.onGone(channel.to);
        },
      });
    }
  }

  private byHttp(channel: Channel, n: number): void {
    const pending = channel.pending.get(n);
    if (!pending) return;
    channel.pending.delete(n);
    clearTimeout(pending.timer);
    this.retry(channel.to, pending);
  }

  private retry(to: string, pending: Pending): void {
    void this.rooms
      .call("notify", to, pending.notification)
      .then((result) =>
        pending.settle(result.ok ? "notified" : result.failure === "gone" ? "gone" : "failed"),
      );
  }
}
