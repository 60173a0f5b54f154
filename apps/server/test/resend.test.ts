import { afterAll, beforeAll, expect, it } from "vitest";
import { connect, roomApi, signUp } from "./harness/client.ts";
import { startServer, type TestServer } from "./harness/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.dispose();
});

// Found by `npm run chaos` (seed 4242): a tab whose acknowledgement was lost resends a refused
// message after its sender deleted the failed copy in another tab; it was answered "delivered".
it("a resend of a refused message whose copy I deleted is answered as it ended: failed, with the reason", async () => {
  const alice = await signUp(server);
  const bob = await signUp(server);
  const bobs = roomApi(server, bob);
  const refuse = { whoMayWrite: "nobody", whileClosed: "accept", alwaysThrough: [], readReceipts: true };
  expect((await bobs.put("/privacy/delivery", refuse)).status).toBe(200);

  const tab = await connect(server, alice);
  tab.send({ type: "message.send", id: "refused-0001", to: bob.handle, text: "hello" });
  const first = await tab.next("message.ack", (m) => m.id === "refused-0001");
  expect(first.state).toBe("failed");
  const alices = roomApi(server, alice);
  const { messages } = await alices.json<{ messages: Array<{ seq: number }> }>(
    `/conversations/${bob.handle}/messages`,
  );
  expect((await alices.delete(`/conversations/${bob.handle}/messages/${messages[0]?.seq}`)).status).toBe(200);

  tab.send({ type: "message.send", id: "refused-0001", to: bob.handle, text: "hello" });
  const acksOf = () => tab.messages.filter((m) => m.type === "message.ack" && m.id === "refused-0001");
  for (let i = 0; i < 50 && acksOf().length < 2; i++) await new Promise((r) => setTimeout(r, 100));
  const acks = acksOf();
  expect(acks).toHaveLength(2);
  expect(acks[1]).toMatchObject({ state: "failed", reason: first.reason });
  tab.close();
});
