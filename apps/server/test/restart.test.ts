import { afterAll, beforeAll, expect, it } from "vitest";
import { PASSWORD, post, signIn, signUp } from "./harness/client.ts";
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
