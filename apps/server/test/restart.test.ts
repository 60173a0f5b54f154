import { VIEW_WRITE_DELAY_MS } from "@pim/model";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connect, PASSWORD, post, signIn, signUp } from "./harness/client.ts";
import { startServer, type TestServer } from "./harness/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
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
  await new Promise((r) => setTimeout(r, VIEW_WRITE_DELAY_MS + 1_000));
  await server.stop("SIGKILL");
  await server.restart();

  // Over HTTP, without a socket (which would refresh every buddy): what Bob's room had written.
  const buddies = await fetch(`${server.url}/parties/user/${bob.handle}/buddies`, { headers: headers(bob) });
  expect(await buddies.json()).toMatchObject({
    buddies: [{ handle: alice.handle, state: "active", view: { status: "open", note: "back at 3" } }],
  });
  aliceTab.close();
});
