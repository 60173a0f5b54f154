import { CLOSE_CODES, LIMITS } from "@pim/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connect,
  openSocket,
  PASSWORD,
  post,
  RefusedUpgrade,
  signIn,
  signUp,
  uniqueHandle,
} from "./harness/client.ts";
import { startServer, type TestServer } from "./harness/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ vars: { LOCKOUT_MS: "1500", LOCKOUT_MAX_FAILURES: "3" } });
});
afterAll(async () => {
  await server?.dispose();
});

async function errorOf(response: Response) {
  const body = (await response.json()) as { error: { code: string; message: string; retryAfter?: number } };
  return { status: response.status, ...body.error };
}

describe("sign-up", () => {
  it("creates the principal and sets an HttpOnly, SameSite session cookie", async () => {
    const handle = uniqueHandle("Alice");
    const response = await post(server, `/parties/user/${handle.toLowerCase()}/signup`, {
      handle,
      password: PASSWORD,
    });
    expect(response.status).toBe(201);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("pim_session="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(await response.json()).toMatchObject({ handle: handle.toLowerCase() });
    expect(JSON.stringify(response.headers)).not.toContain(PASSWORD);
  });

  it("keeps handles unique regardless of case", async () => {
    const handle = uniqueHandle("carol");
    await signUp(server, handle);
    const again = await post(server, `/parties/user/${handle}/signup`, {
      handle: handle.toUpperCase(),
      password: PASSWORD,
    });
    expect(await errorOf(again)).toMatchObject({ status: 409, code: "handle_taken" });
    const mixedRoom = await post(server, `/parties/user/${handle.toUpperCase()}/signup`, {
      handle: handle.toUpperCase(),
      password: PASSWORD,
    });
    expect(mixedRoom.status).toBe(404);
  });

  it.each([
    { case: "handle too short", body: { handle: "ab", password: PASSWORD }, room: "ab" },
    { case: "handle with a space", body: { handle: "a b c", password: PASSWORD }, room: "abc" },
    { case: "password too short", body: { handle: "shortpw", password: "1234567" }, room: "shortpw" },
    { case: "password too long", body: { handle: "longpw", password: "x".repeat(257) }, room: "longpw" },
    { case: "wrong field type", body: { handle: 42, password: PASSWORD }, room: "numeric" },
    { case: "handle not this room", body: { handle: "someone", password: PASSWORD }, room: "another" },
  ])("refuses $case with 400 and stores nothing", async ({ body, room }) => {
    const response = await post(server, `/parties/user/${room}/signup`, body);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const error = await errorOf(response);
    expect(error.message.length).toBeGreaterThan(0);
    if (typeof body.handle === "string" && body.handle === room) {
      const signin = await post(server, `/parties/user/${room}/signin`, { handle: room, password: PASSWORD });
      expect([401, 404]).toContain(signin.status); // unknown principal, or no such room at all
    }
  });
});

describe("sign-in", () => {
  it("signs in with the right password, and says so in words when wrong", async () => {
    const { handle } = await signUp(server);
    await expect(signIn(server, handle)).resolves.toMatchObject({ handle });
    const wrong = await post(server, `/parties/user/${handle}/signin`, {
      handle,
      password: "not the password",
    });
    expect(await errorOf(wrong)).toMatchObject({ status: 401, code: "wrong_credentials" });
  });

  it("answers an unknown handle exactly like a wrong password", async () => {
    const handle = uniqueHandle("nobody");
    const response = await post(server, `/parties/user/${handle}/signin`, { handle, password: PASSWORD });
    expect(await errorOf(response)).toMatchObject({
      status: 401,
      code: "wrong_credentials",
      message: "Wrong handle or password.",
    });
  });

  it("locks after repeated wrong passwords and lets the right one in after the lock ends", async () => {
    const { handle } = await signUp(server);
    const wrong = () =>
      post(server, `/parties/user/${handle}/signin`, { handle, password: "wrong password" });
    expect((await wrong()).status).toBe(401);
    expect((await wrong()).status).toBe(401);
    const locked = await errorOf(await wrong());
    expect(locked).toMatchObject({ status: 429, code: "locked_out" });
    expect(locked.message).toMatch(/locked/);
    expect(locked.retryAfter).toBeGreaterThan(0);
    // Even the right password waits for the lock to end.
    const during = await post(server, `/parties/user/${handle}/signin`, { handle, password: PASSWORD });
    expect(during.status).toBe(429);
    // The lock lasts LOCKOUT_MS (1.5 s here): asked again until it lets the right password in.
    await expect
      .poll(
        async () =>
          (await post(server, `/parties/user/${handle}/signin`, { handle, password: PASSWORD })).status,
        {
          timeout: 5_000,
          interval: 100,
        },
      )
      .toBe(200);
    await expect(signIn(server, handle)).resolves.toMatchObject({ handle });
  });

  it("issues Bearer tokens for scripts, accepted like the cookie", async () => {
    const { handle } = await signUp(server);
    const response = await post(server, `/parties/user/${handle}/tokens`, { handle, password: PASSWORD });
    expect(response.headers.getSetCookie()).toEqual([]);
    const { token } = (await response.json()) as { token: string };
    const session = await fetch(`${server.url}/parties/user/${handle}/session`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(session.status).toBe(200);
    const socket = await openSocket(server, handle, { bearer: token });
    await socket.next("hello");
    socket.close();
  });
});

describe("sessions and sockets", () => {
  it("the session survives; sign-out revokes it and closes only its sockets", async () => {
    const first = await signUp(server);
    const second = await signIn(server, first.handle);
    const firstSocket = await connect(server, first);
    const secondSocket = await connect(server, second);

    const signout = await post(
      server,
      `/parties/user/${first.handle}/signout`,
      {},
      {
        cookie: first.cookie,
        origin: server.origin,
      },
    );
    expect(signout.status).toBe(200);
    expect(signout.headers.getSetCookie()[0]).toMatch(/Max-Age=0/);
    expect((await firstSocket.waitClosed()).code).toBe(CLOSE_CODES.unauthorized);

    const revoked = await fetch(`${server.url}/parties/user/${first.handle}/session`, {
      headers: { cookie: first.cookie },
    });
    expect(revoked.status).toBe(401);
    // A revoked token is still correctly signed: the upgrade passes, the room closes it.
    const again = await openSocket(server, first.handle, { cookie: first.cookie, origin: server.origin });
    expect((await again.waitClosed()).code).toBe(CLOSE_CODES.unauthorized);

    secondSocket.send({ type: "ping", id: "still-here" });
    await expect(secondSocket.next("pong")).resolves.toMatchObject({ id: "still-here" });
    secondSocket.close();
  });

  it("sign out everywhere closes every session's sockets", async () => {
    const first = await signUp(server);
    const second = await signIn(server, first.handle);
    const sockets = [await connect(server, first), await connect(server, second)];
    const response = await post(
      server,
      `/parties/user/${first.handle}/signout-everywhere`,
      {},
      {
        cookie: second.cookie,
        origin: server.origin,
      },
    );
    expect(response.status).toBe(200);
    for (const socket of sockets) expect((await socket.waitClosed()).code).toBe(CLOSE_CODES.unauthorized);
    for (const session of [first, second]) {
      const check = await fetch(`${server.url}/parties/user/${first.handle}/session`, {
        headers: { cookie: session.cookie },
      });
      expect(check.status).toBe(401);
    }
  });

  it.each([
    { case: "no token", auth: () => ({}), status: 401 },
    {
      case: "a forged token",
      auth: (s: { handle: string }) => ({
        cookie: `pim_session=v1:${s.handle}:AAAAAAAAAAAAAAAAAAAAAA:99999999999999:forged`,
      }),
      status: 401,
    },
    { case: "garbage", auth: () => ({ bearer: "not-a-token" }), status: 401 },
  ])("refuses a socket with $case", async ({ auth, status }) => {
    const session = await signUp(server);
    const refused = openSocket(server, session.handle, { origin: server.origin, ...auth(session) });
    await expect(refused).rejects.toMatchObject({ status });
  });

  it("refuses a socket and requests with another principal's session", async () => {
    const alice = await signUp(server);
    const mallory = await signUp(server);
    await expect(
      openSocket(server, alice.handle, { cookie: mallory.cookie, origin: server.origin }),
    ).rejects.toBeInstanceOf(RefusedUpgrade);
    const response = await fetch(`${server.url}/parties/user/${alice.handle}/session`, {
      headers: { cookie: mallory.cookie },
    });
    expect(response.status).toBe(403);
  });

  it("refuses a cookie socket from a foreign origin", async () => {
    const alice = await signUp(server);
    await expect(
      openSocket(server, alice.handle, { cookie: alice.cookie, origin: "http://evil.example" }),
    ).rejects.toMatchObject({ status: 403 });
  });
});

describe("room-to-room calls", () => {
  it("refuses a request from outside imitating a room-to-room call", async () => {
    const alice = await signUp(server);
    const forged = await post(
      server,
      `/parties/user/${alice.handle}/session`,
      {},
      {
        "x-pim-room-call": `${alice.handle}:${Date.now()}:AAAA`,
        cookie: alice.cookie,
      },
    );
    expect(await errorOf(forged)).toMatchObject({ status: 403, code: "forbidden" });
  });

  it("refuses a socket from outside imitating a room-to-room NOTIFICATION channel", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    // Even with a valid session of the room's own principal, the channel header is refused.
    await expect(
      openSocket(server, bob.handle, {
        cookie: bob.cookie,
        origin: server.origin,
        headers: { "x-pim-room-call": `${alice.handle}:${Date.now()}:AAAA` },
      }),
    ).rejects.toMatchObject({ status: 403 });
  });
});

describe("bad input", () => {
  it.each([
    { case: "malformed JSON", body: "{nope", status: 400, code: "bad_json" },
    {
      case: "wrong field types",
      body: JSON.stringify({ handle: ["x"], password: 1 }),
      status: 400,
      code: "invalid",
    },
    {
      case: "an oversize body",
      body: JSON.stringify({ handle: "x", password: "y".repeat(LIMITS.maxBodyBytes) }),
      status: 413,
      code: "too_large",
    },
  ])("HTTP: $case gets $status", async ({ body, status, code }) => {
    const handle = uniqueHandle("badbody");
    const response = await post(server, `/parties/user/${handle}/signup`, body);
    expect(await errorOf(response)).toMatchObject({ status, code });
    const signin = await post(server, `/parties/user/${handle}/signin`, { handle, password: PASSWORD });
    expect(signin.status).toBe(401); // nothing was stored
  });

  it("socket: each bad frame gets a clear error; an oversize one closes; others keep being served", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const aliceSocket = await connect(server, alice);
    const bobSocket = await connect(server, bob);

    aliceSocket.send("{not json");
    await expect(aliceSocket.next("error", (m) => m.code === "bad_json")).resolves.toBeTruthy();
    aliceSocket.send({ type: "no-such-type" });
    await expect(aliceSocket.next("error", (m) => m.code === "unknown_type")).resolves.toBeTruthy();
    aliceSocket.send({ type: "ping", id: 12 });
    await expect(aliceSocket.next("error", (m) => m.code === "invalid")).resolves.toBeTruthy();
    aliceSocket.send({ type: "ping", id: "after-errors" });
    await expect(aliceSocket.next("pong")).resolves.toMatchObject({ id: "after-errors" });

    aliceSocket.send({ type: "ping", id: "x".repeat(LIMITS.maxFrameBytes) });
    await expect(aliceSocket.next("error", (m) => m.code === "too_large")).resolves.toBeTruthy();
    expect((await aliceSocket.waitClosed()).code).toBe(CLOSE_CODES.tooLarge);

    bobSocket.send({ type: "ping", id: "bob" });
    await expect(bobSocket.next("pong")).resolves.toMatchObject({ id: "bob" });
    bobSocket.close();
  });
});

describe("sign-ups racing for one handle", () => {
  it("exactly one of several at once gets it, and only its password signs in", async () => {
    const handle = uniqueHandle();
    const passwords = Array.from({ length: 5 }, (_, i) => `${PASSWORD}-${i}`);
    const responses = await Promise.all(
      passwords.map((password) =>
        post(server, `/parties/user/${handle.toLowerCase()}/signup`, { handle, password }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(4);
    // The one that got it signs in with its password; another's password is wrong.
    const winner = passwords[statuses.indexOf(201)] ?? "";
    const loser = passwords.find((p) => p !== winner) ?? "";
    await signIn(server, handle.toLowerCase(), winner);
    expect((await signIn(server, handle.toLowerCase(), loser).catch((e: Error) => e)) instanceof Error).toBe(
      true,
    );
  });
});

describe("sign-ups from one network address are limited", () => {
  let gated: TestServer;
  beforeAll(async () => {
    gated = await startServer({ vars: { SIGN_UPS_BURST: "2", SIGN_UPS_PER_HOUR: "1" } });
  });
  afterAll(async () => {
    await gated?.dispose();
  });

  // Cloudflare sets this header on every request; local partykit dev passes it through.
  const from = (address: string) => ({ "cf-connecting-ip": address });
  const signUpFrom = (address: string, handle = uniqueHandle()) =>
    post(
      gated,
      `/parties/user/${handle.toLowerCase()}/signup`,
      { handle, password: PASSWORD },
      from(address),
    );

  it("a few at once, then a 429 that says when; other addresses and the refused handle are unaffected", async () => {
    expect((await signUpFrom("198.51.100.7")).status).toBe(201);
    expect((await signUpFrom("198.51.100.7")).status).toBe(201);
    const refusedHandle = uniqueHandle();
    const refused = await signUpFrom("198.51.100.7", refusedHandle);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    const error = await errorOf(refused);
    expect(error).toMatchObject({ status: 429, code: "rate_limited" });
    expect(error.message).toMatch(
      /Too many new accounts from your network lately\. Try again in \d+ minutes?\./,
    );
    expect(error.retryAfter).toBeGreaterThan(60 * 59);

    // Nothing was created for the refused sign-up: the handle is still free, from elsewhere.
    expect((await signIn(gated, refusedHandle.toLowerCase()).catch((e: Error) => e)) instanceof Error).toBe(
      true,
    );
    expect((await signUpFrom("203.0.113.9", refusedHandle)).status).toBe(201);
    // A taken handle is told so, not counted.
    expect(await errorOf(await signUpFrom("198.51.100.7", refusedHandle))).toMatchObject({
      code: "handle_taken",
    });
  });

  it("the gate itself cannot be reached from outside", async () => {
    for (const path of ["/parties/signups/anything/take", "/parties/signups/anything"]) {
      expect((await post(gated, path, {})).status, path).toBe(404);
    }
  });
});
