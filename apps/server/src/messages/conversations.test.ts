import type { StoredMessage } from "@pim/protocol";
import { describe, expect, it } from "vitest";
import type { ConversationMeta, ConversationStore } from "../store/conversation-store.ts";
import { Conversations } from "./conversations.ts";

/** The store's writes, kept in order (the storage itself is the integration tests' business). */
function recordingStore() {
  const writes: { message: StoredMessage; meta: ConversationMeta }[] = [];
  const write = async (message: StoredMessage, meta: ConversationMeta) => void writes.push({ message, meta });
  const store = {
    putMessage: write,
    stageMessage: write,
    updateMessage: write,
    deleteConversation: async () => undefined,
  } as unknown as ConversationStore;
  return { store, writes };
}

const draft = (seq: number): StoredMessage => ({
  id: `id-${seq}-xxxxxxxx`,
  conversation: "bob",
  from: "alice",
  to: "bob",
  text: `m${seq}`,
  sentAt: seq,
  seq,
  state: "delivered",
});

describe("Conversations: a message sent while its conversation is deleted", () => {
  it("keeps its place: the conversation starts again from it and numbering goes on after it", async () => {
    const { store, writes } = recordingStore();
    const conversations = new Conversations(store, { changed: () => undefined });
    await conversations.append("bob", draft, "sent");
    const inFlight = await conversations.stage("bob", draft); // seq 2, on its way to bob's room
    await conversations.deleteConversation("bob"); // the conversation is deleted meanwhile
    await conversations.commit(inFlight);
    expect(writes.at(-1)?.meta).toMatchObject({ with: "bob", lastSeq: 2, last: { seq: 2 } });
    const next = await conversations.stage("bob", draft);
    expect(next.seq).toBe(3);
  });

  it("an ordinary commit leaves a newer last message alone", async () => {
    const { store, writes } = recordingStore();
    const conversations = new Conversations(store, { changed: () => undefined });
    const first = await conversations.stage("bob", draft);
    const second = await conversations.stage("bob", draft);
    await conversations.commit(first);
    expect(writes.at(-1)?.meta).toMatchObject({ lastSeq: 2, last: { seq: 2 } });
    await conversations.commit(second);
    expect(writes.at(-1)?.meta).toMatchObject({ lastSeq: 2, last: { seq: 2 } });
  });
});

describe("Conversations: what a meta keeps of its messages", () => {
  const received =
    (text: string) =>
    (seq: number): StoredMessage => ({
      ...draft(seq),
      conversation: "carol",
      from: "carol",
      to: "bob",
      text,
    });

  it("the last message only as a preview of 140 characters, the message itself whole", async () => {
    const { store, writes } = recordingStore();
    const conversations = new Conversations(store, { changed: () => undefined });
    const long = "é".repeat(300);
    const stored = await conversations.append("carol", received(long), "received");
    expect(stored.text).toBe(long);
    expect(writes.at(-1)?.message.text).toBe(long);
    expect(writes.at(-1)?.meta.last?.text).toBe(`${"é".repeat(140)}…`);
    expect(conversations.meta("carol").last?.text).toBe(`${"é".repeat(140)}…`);
  });

  it("counts the bytes of received messages as unread, not of sent ones", async () => {
    const { store } = recordingStore();
    const conversations = new Conversations(store, { changed: () => undefined });
    await conversations.append("carol", received("héllo"), "received"); // 6 bytes
    await conversations.append("carol", (seq) => ({ ...draft(seq), conversation: "carol" }), "sent");
    await conversations.append(
      "dave",
      (seq) => ({ ...received("1234")(seq), conversation: "dave" }),
      "received",
    );
    expect(conversations.meta("carol")).toMatchObject({ unread: 1, unreadBytes: 6 });
    expect(conversations.unreadBytes(() => true)).toBe(10);
    expect(conversations.unreadBytes((peer) => peer !== "carol")).toBe(4);
  });
});
