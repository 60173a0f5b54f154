import { VIEW_WRITE_SPREAD_FACTOR } from "@pim/model";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connect, PASSWORD, post, signIn, signUp } from "./harness/client.ts";
import { SHORT_WAITS, startServer, storedValueContains, type TestServer } from "./harness/server.ts";

let server: TestServer;
beforeAll(async () => {
  // No sender or inbox rate limit: the stream of messages below must not be refused as a flood.
  // (With the default burst of 10, a slow machine let Alice's room take messages past the 10th
  // before the kill landed; they were refused, so only her side held them, as failed.)
  server = await startServer({
    vars: {
      SENDER_RATE_PER_MINUTE: "100000",
      SENDER_RATE_BURST: "1000",
      INBOX_RATE_PER_MINUTE: "100000",
      INBOX_RATE_BURST: "1000",
    },
  });
});
afterAll(async () => {
  await server?.dispose();
});

it("accounts and sessions survive a restart on the same storage", async () => {
  const alice = await signUp(server);
  await server.stop();
  await server.restart();
  const session = await fetch(`${server.url}/parties/user/${alice.handle}/session`, {
    headers: { cookie: alice.cookie },
  });
  expect(session.status).toBe(200);
  await expect(signIn(server, alice.handle)).resolves.toMatchObject({ handle: alice.handle });
  const taken = await post(server, `/parties/user/${alice.handle}/signup`, {
    handle: alice.handle,
    password: PASSWORD,
  });
  expect(taken.status).toBe(409);
});

const headers = (s: { cookie: string }) => ({ cookie: s.cookie, origin: server.origin });

/** Bob subscribes to Alice and she approves. */
async function bobWatchesAlice() {
  const alice = await signUp(server);
  const bob = await signUp(server);
  await post(server, `/parties/user/${bob.handle}/buddies`, { handle: alice.handle }, headers(bob));
  await post(
    server,
    `/parties/user/${alice.handle}/subscribers/${bob.handle}`,
    { decision: "approve" },
    headers(alice),
  );
  return { alice, bob };
}

it("buddy lists and subscriptions survive a restart, and presence flows again", async () => {
  const { alice, bob } = await bobWatchesAlice();
  await server.stop("SIGKILL");
  await server.restart();

  const buddies = await fetch(`${server.url}/parties/user/${bob.handle}/buddies`, { headers: headers(bob) });
  expect(await buddies.json()).toMatchObject({ buddies: [{ handle: alice.handle, state: "active" }] });
  const subscribers = await fetch(`${server.url}/parties/user/${alice.handle}/subscribers`, {
    headers: headers(alice),
  });
  expect(await subscribers.json()).toMatchObject({ subscribers: [{ handle: bob.handle, state: "active" }] });

  const bobTab = await connect(server, bob);
  const aliceTab = await connect(server, alice);
  await bobTab.next(
    "buddy.updated",
    (m) => m.buddy.handle === alice.handle && m.buddy.view?.status === "open",
  );
  aliceTab.close();
  bobTab.close();
});

it("a buddy's latest presence is written soon after it arrives, so a crash later keeps it", async () => {
  const { alice, bob } = await bobWatchesAlice();
  const bobTab = await connect(server, bob);
  const aliceTab = await connect(server, alice);
  await post(server, `/parties/user/${alice.handle}/presence`, { note: "back at 3" }, headers(alice));
  await bobTab.next(
    "buddy.updated",
    (m) => m.buddy.handle === alice.handle && m.buddy.view?.note === "back at 3",
  );
  bobTab.close();
  // Written with the next batch, within the view write spread after it arrived: wait until it is on disk.
  await expect
    .poll(() => storedValueContains(server, `buddy:${alice.handle}`, "back at 3"), {
      timeout: SHORT_WAITS.viewWriteDelayMs * (1 + VIEW_WRITE_SPREAD_FACTOR) + 10_000,
      interval: 250,
    })
    .toBe(true);
  await server.stop("SIGKILL");
  await server.restart();

  // Over HTTP, without a socket (which would refresh every buddy): what Bob's room had written.
  const buddies = await fetch(`${server.url}/parties/user/${bob.handle}/buddies`, { headers: headers(bob) });
  expect(await buddies.json()).toMatchObject({
    buddies: [{ handle: alice.handle, state: "active", view: { status: "open", note: "back at 3" } }],
  });
  aliceTab.close();
});

it("a stranger's unread quota and a held read receipt survive a crash", async () => {
  const bob = await signUp(server);
  const stranger = await signUp(server);
  const strangerTab = await connect(server, stranger);
  const big = "😀".repeat(4000); // 16,000 bytes
  const sendBig = async (tab: typeof strangerTab) => {
    const id = crypto.randomUUID();
    tab.send({ type: "message.send", id, to: bob.handle, text: big });
    return tab.next("message.ack", (m) => m.id === id);
  };
  for (let i = 0; i < 4; i++) expect(await sendBig(strangerTab)).toMatchObject({ state: "delivered" });
  // Bob lets the stranger see him but is invisible: he reads one, its receipt is held.
  await fetch(`${server.url}/parties/user/${bob.handle}/privacy/rules`, {
    method: "PUT",
    headers: { ...headers(bob), "content-type": "application/json" },
    body: JSON.stringify({
      default: { action: "confirm", show: "lastSeen" },
      people: { [stranger.handle]: { action: "allow", show: "status" } },
      groups: [],
      refuseAnonymous: false,
    }),
  });
  await post(server, `/parties/user/${bob.handle}/presence`, { invisible: true }, headers(bob));
  const bobTab = await connect(server, bob);
  bobTab.send({ type: "message.read", conversation: stranger.handle, upToSeq: 1 });
  await bobTab.next("conversation.read", (m) => m.conversation === stranger.handle && m.unread === 3);
  bobTab.close();
  strangerTab.close();
  await server.stop("SIGKILL");
  await server.restart();

  const again = await connect(server, stranger);
  // One read message freed 16,000 bytes: one more fits, then the quota is full again.
  expect(await sendBig(again)).toMatchObject({ state: "delivered" });
  expect(await sendBig(again)).toMatchObject({ state: "failed", reason: expect.stringContaining("unread") });
  const bobBack = await connect(server, bob);
  await post(server, `/parties/user/${bob.handle}/presence`, { invisible: false }, headers(bob));
  await again.next("message.stored", (m) => m.message.seq === 1 && m.message.state === "read");
  again.close();
  bobBack.close();
});

/**
 * A crash after the recipient's room stored a message but before the sender's room stored its
 * copy: the sending tab is gone for good (its browser never comes back to resend), so the sender's
 * room itself must finish the job when it starts again, or the conversation differs on two sides.
 */
it("a message the recipient has when the server dies is in the sender's history too, with no tab to resend it", async () => {
  const alice = await signUp(server);
  const bob = await signUp(server);
  const bobTab = await connect(server, bob);
  const aliceTab = await connect(server, alice);
  // A first message makes the conversation, so later ones take the usual path.
  aliceTab.send({ type: "message.send", id: "first-000", to: bob.handle, text: "hi" });
  await aliceTab.next("message.ack", (m) => m.id === "first-000");
  // A stream of messages; the server dies the moment Bob's tab shows one of them, which is as
  // soon after his room stored it as this process can act: often before Alice's room stored hers.
  const killed = new Promise<void>((resolve) => {
    bobTab.listeners.add((m) => {
      if (m.type === "message.stored" && m.message.id === "stream-005") {
        if (server.pid) process.kill(-server.pid, "SIGKILL");
        resolve();
      }
    });
  });
  for (let i = 0; i < 20; i++) {
    aliceTab.send({
      type: "message.send",
      id: `stream-${String(i).padStart(3, "0")}`,
      to: bob.handle,
      text: `m${i}`,
    });
  }
  await killed;
  await server.stop("SIGKILL");
  await server.restart();

  const history = async (who: typeof alice, peer: string) => {
    const response = await fetch(
      `${server.url}/parties/user/${who.handle}/conversations/${peer}/messages?limit=200`,
      {
        headers: headers(who),
      },
    );
    const body = (await response.json()) as { messages: Array<{ id: string; state: string }> };
    return body.messages.map((m) => m.id).sort();
  };
  expect(await history(bob, alice.handle)).toContain("stream-005");
  // Alice's room wakes (this read is enough) and resends what it had not finished; Bob's room
  // recognizes the ids. Within a few seconds both sides hold the same messages, once each.
  let aliceHas: string[] = [];
  let bobHas: string[] = [];
  for (let i = 0; i < 50; i++) {
    aliceHas = await history(alice, bob.handle);
    bobHas = await history(bob, alice.handle);
    if (aliceHas.join() === bobHas.join()) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(aliceHas).toEqual(bobHas);
  expect(new Set(bobHas).size).toBe(bobHas.length);
});

it("messages acknowledged just before the server dies end delivered in both histories, once each", async () => {
  const alice = await signUp(server);
  const bob = await signUp(server);
  const aliceTab = await connect(server, alice);
  const ids = Array.from({ length: 6 }, (_, i) => `acked-${String(i).padStart(3, "0")}`);
  for (const id of ids) {
    aliceTab.send({ type: "message.send", id, to: bob.handle, text: id });
    await aliceTab.next("message.ack", (m) => m.id === id && m.state === "delivered");
  }
  // Acknowledged, and "delivered" is still waiting for the sender room's next batch write: the
  // server dies now, before it.
  if (server.pid) process.kill(-server.pid, "SIGKILL");
  await server.stop("SIGKILL");
  await server.restart();

  const history = async (who: typeof alice, peer: string) => {
    const response = await fetch(
      `${server.url}/parties/user/${who.handle}/conversations/${peer}/messages?limit=200`,
      { headers: headers(who) },
    );
    const body = (await response.json()) as { messages: Array<{ id: string; state: string }> };
    return body.messages.map((m) => `${m.id} ${m.state}`).sort();
  };
  const expected = ids.map((id) => `${id} delivered`);
  await expect.poll(() => history(alice, bob.handle), { timeout: 15_000, interval: 200 }).toEqual(expected);
  expect(await history(bob, alice.handle)).toEqual(expected);
});
