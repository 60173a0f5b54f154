import type { AccessAction, AccessRules, PrivacySettings, ShowLevel } from "@pim/protocol";
import type { Prng } from "./prng.ts";
import { type Device, type Principal, type SentMessage, sleep } from "./world.ts";

/** What a principal does on a turn, and how often (weights). */
export const ACTIONS = {
  send: 30,
  read: 6,
  delete: 2,
  availability: 5,
  note: 5,
  invisible: 2,
  subscribe: 8,
  answer: 8,
  removeBuddy: 2,
  revoke: 2,
  rules: 6,
  block: 3,
  unblock: 3,
  anonymous: 2,
  delivery: 2,
  fetch: 5,
  openTab: 5,
  closeTab: 4,
} as const;
export type Action = keyof typeof ACTIONS;

const ACTIONS_LIST: readonly AccessAction[] = ["allow", "confirm", "polite-block", "block"];
const SHOW_LIST: readonly ShowLevel[] = ["status", "availability", "note", "devices", "lastSeen"];

/**
 * What the driver knows of one principal's privacy settings over time: each entry holds from
 * `from` until the next; `settings` null while a change's outcome is unknown (it got no answer).
 */
export type PrivacySpan = { from: number; settings: PrivacySettings | null };

/** Per principal, what the checks need beyond the world's messages. */
export class Knowledge {
  readonly privacy: PrivacySpan[] = [];
  /** Presentities this principal subscribed to or fetched while watching anonymously (or unsure). */
  readonly anonymousTowards = new Set<string>();
  /** Presentities whose record in use may be anonymous: the last subscribe or fetch was not named. */
  readonly lastNotNamed = new Set<string>();
  anonymous: boolean | null = false;
  /**
   * Per presentity, NAMED subscribe/fetch requests their room answered, and those that may have
   * reached it as named (unsure ones included): the bounds of their named watcher record's count.
   */
  readonly watchOps = new Map<string, { answered: number; attempted: number }>();

  watchOp(presentity: string, answered: boolean, attempted: boolean): void {
    const named = this.anonymous === false;
    const counts = this.watchOps.get(presentity) ?? { answered: 0, attempted: 0 };
    if (answered && named) counts.answered += 1;
    if ((attempted || answered) && this.anonymous !== true) counts.attempted += 1;
    this.watchOps.set(presentity, counts);
    if (named) this.lastNotNamed.delete(presentity);
    else {
      this.anonymousTowards.add(presentity);
      this.lastNotNamed.add(presentity);
    }
  }
}

export const knowledge = new WeakMap<Principal, Knowledge>();
export function knowledgeOf(p: Principal): Knowledge {
  let k = knowledge.get(p);
  if (!k) {
    k = new Knowledge();
    knowledge.set(p, k);
  }
  return k;
}

function isSettings(body: unknown): body is PrivacySettings {
  return typeof body === "object" && body !== null && "rules" in body && "blocked" in body;
}

/** Runs a privacy change and records what it did: known once answered, unknown if not. */
async function privacyChange(
  p: Principal,
  what: string,
  run: () => Promise<{ status: number; body: unknown }>,
): Promise<void> {
  const k = knowledgeOf(p);
  const started = Date.now();
  k.privacy.push({ from: started, settings: null });
  const reply = await run();
  p.world.log.add(p.handle, "privacy", what, String(reply.status));
  if (reply.status === 200 && isSettings(reply.body)) {
    k.privacy.push({ from: Date.now(), settings: reply.body });
    k.anonymous = reply.body.visibility.anonymous;
    return;
  }
  // Not answered, or refused: read what holds now, so later spans are known again.
  await refreshPrivacy(p);
}

export async function refreshPrivacy(p: Principal): Promise<void> {
  const k = knowledgeOf(p);
  const started = Date.now();
  const reply = await p.http("GET", "/privacy");
  if (reply.status === 200 && isSettings(reply.body)) {
    // What was read holds from when it was asked only if nothing was unknown before; be safe.
    k.privacy.push({ from: Date.now(), settings: reply.body });
    k.anonymous = reply.body.visibility.anonymous;
  } else {
    k.privacy.push({ from: started, settings: null });
    k.anonymous = null;
  }
}

function currentSettings(p: Principal): PrivacySettings | null {
  const spans = knowledgeOf(p).privacy;
  return spans[spans.length - 1]?.settings ?? null;
}

function others(p: Principal): Principal[] {
  return p.world.principals.filter((o) => o !== p);
}

function hereDevices(p: Principal): Device[] {
  return p.devices.filter((d) => d.presence === "here");
}

/** One turn of a principal: an action chosen by its own generator. */
export async function act(p: Principal, action: Action): Promise<void> {
  const rng = p.rng;
  const world = p.world;
  switch (action) {
    case "send": {
      const to = rng.pick(others(p));
      const devices = hereDevices(p);
      if (devices.length === 0) return;
      const open = devices.filter((d) => d.isOpen());
      // Mostly from an open tab; sometimes written offline, sent when the tab comes back.
      const device = open.length > 0 && !rng.chance(0.1) ? rng.pick(open) : rng.pick(devices);
      const message: SentMessage = {
        id: p.nextMessageId(),
        from: p.handle,
        to: to.handle,
        device: `${p.handle}/${device.label}`,
        order: device.nextOrder(),
        createdAt: Date.now(),
        attempts: 0,
        acks: [],
      };
      world.messages.set(message.id, message);
      world.log.add(
        p.handle,
        "send",
        `${message.id} to ${to.handle} via ${device.label}${device.isOpen() ? "" : " (offline)"}`,
      );
      device.write(message);
      return;
    }
    case "read": {
      const reply = await p.http("GET", "/conversations");
      const list = (reply.body as { conversations?: Array<{ with: string; lastSeq: number }> }).conversations;
      const open = hereDevices(p).find((d) => d.isOpen());
      if (!list?.length || !open?.socket) return;
      const conversation = rng.pick(list);
      open.socket.send({
        type: "message.read",
        conversation: conversation.with,
        upToSeq: conversation.lastSeq,
      });
      world.log.add(p.handle, "read", `${conversation.with} up to ${conversation.lastSeq}`);
      return;
    }
    case "delete": {
      const reply = await p.http("GET", "/conversations");
      const list = (reply.body as { conversations?: Array<{ with: string }> }).conversations;
      if (!list?.length) return;
      const peer = rng.pick(list).with;
      const page = await p.http("GET", `/conversations/${peer}/messages?limit=20`);
      const messages = (page.body as { messages?: Array<{ id: string; seq: number; state: string }> })
        .messages;
      const settled = messages?.filter((m) => m.state !== "sending") ?? [];
      if (settled.length === 0) return;
      const message = rng.pick(settled);
      // Counted as deleted before asking: if the answer is lost, it may or may not be gone.
      p.deleted.add(message.id);
      const result = await p.http("DELETE", `/conversations/${peer}/messages/${message.seq}`);
      world.log.add(
        p.handle,
        "delete",
        `${message.id} (seq ${message.seq} with ${peer})`,
        String(result.status),
      );
      return;
    }
    case "availability": {
      const availability = rng.pick(["available", "away", "busy", "dnd"] as const);
      const reply = await p.http("POST", "/presence", { availability });
      world.log.add(p.handle, "presence", `availability ${availability}`, String(reply.status));
      return;
    }
    case "note": {
      const note = rng.chance(0.2) ? null : `note ${rng.token(5)}`;
      const reply = await p.http("POST", "/presence", { note });
      world.log.add(p.handle, "presence", `note ${note}`, String(reply.status));
      return;
    }
    case "invisible": {
      const invisible = rng.chance(0.4);
      const reply = await p.http("POST", "/presence", { invisible });
      world.log.add(p.handle, "presence", `invisible ${invisible}`, String(reply.status));
      return;
    }
    case "subscribe": {
      const target = rng.pick(others(p));
      const reply = await p.http("POST", "/buddies", { handle: target.handle });
      world.log.add(p.handle, "subscribe", target.handle, String(reply.status));
      // 201: their room answered; 409 from my own room (already a buddy) never reached theirs.
      const answered = reply.status === 201;
      const attempted = reply.status === 0 || reply.status >= 500;
      if (answered || attempted) knowledgeOf(p).watchOp(target.handle, answered, attempted);
      return;
    }
    case "fetch": {
      const target = rng.pick(others(p));
      const reply = await p.http("GET", `/presence/${target.handle}`);
      world.log.add(p.handle, "fetch", target.handle, String(reply.status));
      const answered = reply.status === 200 || reply.status === 403 || reply.status === 429;
      const attempted = reply.status === 0 || reply.status >= 500;
      if (answered || attempted) knowledgeOf(p).watchOp(target.handle, answered, attempted);
      return;
    }
    case "answer": {
      const reply = await p.http("GET", "/subscribers");
      const subscribers = (reply.body as { subscribers?: Array<{ handle: string; state: string }> })
        .subscribers;
      const waiting = subscribers?.filter(
        (s) => s.state === "pending" || (s.state === "refused" && rng.chance(0.2)),
      );
      if (!waiting?.length) return;
      const who = rng.pick(waiting).handle;
      const decision = rng.chance(0.75) ? "approve" : "deny";
      const result = await p.http("POST", `/subscribers/${who}`, { decision });
      world.log.add(p.handle, "answer", `${decision} ${who}`, String(result.status));
      return;
    }
    case "removeBuddy": {
      const reply = await p.http("GET", "/buddies");
      const buddies = (reply.body as { buddies?: Array<{ handle: string }> }).buddies;
      if (!buddies?.length) return;
      const who = rng.pick(buddies).handle;
      const result = await p.http("DELETE", `/buddies/${who}`);
      world.log.add(p.handle, "removeBuddy", who, String(result.status));
      return;
    }
    case "revoke": {
      const reply = await p.http("GET", "/subscribers");
      const subscribers = (reply.body as { subscribers?: Array<{ handle: string; state: string }> })
        .subscribers;
      const live = subscribers?.filter((s) => s.state !== "ended");
      if (!live?.length) return;
      const who = rng.pick(live).handle;
      const result = await p.http("DELETE", `/subscribers/${who}`);
      world.log.add(p.handle, "revoke", who, String(result.status));
      return;
    }
    case "rules": {
      const settings = currentSettings(p);
      if (!settings) {
        await refreshPrivacy(p);
        return;
      }
      // The rules as JSON for the wire; people as a Map while they are edited (handles are user text).
      const people = new Map(Object.entries(settings.rules.people));
      const rules: AccessRules = structuredClone(settings.rules);
      const roll = rng.float();
      let what: string;
      if (roll < 0.25) {
        rules.default = { action: rng.pick(["allow", "confirm"] as const), show: rng.pick(SHOW_LIST) };
        what = `default ${rules.default.action}/${rules.default.show}`;
      } else if (roll < 0.35) {
        rules.refuseAnonymous = !rules.refuseAnonymous;
        what = `refuseAnonymous ${rules.refuseAnonymous}`;
      } else if (roll < 0.5 && people.size > 0) {
        const who = rng.pick([...people.keys()]);
        people.delete(who);
        what = `forget rule for ${who}`;
      } else {
        const who = rng.pick(others(p)).handle;
        const rule = { action: rng.pick(ACTIONS_LIST), show: rng.pick(SHOW_LIST) };
        people.set(who, rule);
        what = `${who} ${rule.action}/${rule.show}`;
      }
      rules.people = Object.fromEntries(people);
      await privacyChange(p, `rules: ${what}`, () => p.http("PUT", "/privacy/rules", rules));
      return;
    }
    case "block": {
      const who = rng.pick(others(p)).handle;
      await privacyChange(p, `block ${who}`, () => p.http("POST", "/blocklist", { handle: who }));
      return;
    }
    case "unblock": {
      const blocked = currentSettings(p)?.blocked ?? [];
      if (blocked.length === 0) return;
      const who = rng.pick(blocked);
      await privacyChange(p, `unblock ${who}`, () => p.http("DELETE", `/blocklist/${who}`));
      return;
    }
    case "anonymous": {
      const anonymous = rng.chance(0.4);
      const visibility = { anonymous, presentities: {} };
      knowledgeOf(p).anonymous = null; // unsure until answered
      await privacyChange(p, `anonymous ${anonymous}`, () =>
        p.http("PUT", "/privacy/visibility", visibility),
      );
      return;
    }
    case "delivery": {
      // DELIVERY RULES: mostly open, sometimes buddies only or refusing while signed out.
      const delivery = {
        whoMayWrite: rng.weighted({ anyone: 6, buddies: 2, nobody: 1 }),
        whileClosed: rng.chance(0.7) ? "accept" : "refuse",
        alwaysThrough: [],
        readReceipts: rng.chance(0.7),
      };
      await privacyChange(p, `delivery ${delivery.whoMayWrite}/${delivery.whileClosed}`, () =>
        p.http("PUT", "/privacy/delivery", delivery),
      );
      return;
    }
    case "openTab": {
      const closed = hereDevices(p).filter((d) => !d.isOpen());
      if (closed.length === 0) return;
      const device = rng.pick(closed);
      await device.open("opened");
      return;
    }
    case "closeTab": {
      const open = hereDevices(p).filter((d) => d.isOpen());
      if (open.length === 0) return;
      const device = rng.pick(open);
      device.close();
      world.log.add(p.handle, "tab.close", device.label);
      return;
    }
    default: {
      const unknown: never = action;
      throw new Error(`no such action ${String(unknown)}`);
    }
  }
}

/** A fault on one client's sockets: dropped, vanished (for a while, or for good), or stalled. */
export async function clientFault(p: Principal, rng: Prng): Promise<void> {
  const world = p.world;
  const open = hereDevices(p).filter((d) => d.isOpen());
  if (open.length === 0) return;
  const device = rng.pick(open);
  const socket = device.socket;
  if (!socket) return;
  const kind = rng.weighted({ drop: 5, vanish: 3, stall: 3 });
  switch (kind) {
    case "drop":
      world.faults.drop += 1;
      world.log.add(p.handle, "fault.drop", device.label);
      socket.kill();
      device.lost(socket, "dropped");
      return;
    case "vanish": {
      // Never closes: stops reading and sending; the browser is gone. One in ten never comes
      // back (its outbox with it); the others come back after a while and resend.
      const forever = rng.chance(0.1) && hereDevices(p).length > 1;
      world.log.add(p.handle, forever ? "fault.vanish-forever" : "fault.vanish", device.label);
      device.presence = forever ? "gone" : "away";
      device.wantOpen = false;
      device.socket = null;
      socket.disappear();
      if (forever) {
        world.faults.vanishForever += 1;
        for (const message of device.outbox.values()) message.orphaned = true;
        device.outbox.clear();
        // The connection is cut later, as TCP would give up; the browser is never seen again.
        setTimeout(() => socket.kill(), 5_000 + rng.int(0, 5_000));
        return;
      }
      world.faults.vanish += 1;
      const away = 3_000 + rng.int(0, 12_000);
      setTimeout(() => {
        socket.kill();
        device.presence = "here";
        world.log.add(p.handle, "back", device.label);
        void device.open("back");
      }, away);
      return;
    }
    case "stall": {
      world.faults.stall += 1;
      const ms = 2_000 + rng.int(0, 8_000);
      world.log.add(p.handle, "fault.stall", `${device.label} for ${ms} ms`);
      socket.stall();
      await sleep(0);
      setTimeout(() => socket.resume(), ms);
      return;
    }
    default: {
      const unknown: never = kind;
      throw new Error(`no such fault ${String(unknown)}`);
    }
  }
}
