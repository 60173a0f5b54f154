/**
 * Storage keys for conversations. Each message has its own key, `msg:<peer>:<seq>`, with the
 * seq zero-padded so keys sort in conversation order; ':' never occurs in a handle, so one
 * conversation's prefix never covers another's ("bob" and "bob2").
 */
const SEQ_DIGITS = 12;

export function conversationPrefix(conversation: string): string {
  return `msg:${conversation}:`;
}

export function messageKey(conversation: string, seq: number): string {
  return conversationPrefix(conversation) + String(seq).padStart(SEQ_DIGITS, "0");
}

export type PageRange = { prefix: string; start?: string; end?: string; reverse: true; limit: number };

/** The key range of one page of history: the newest `limit` messages strictly before `before`. */
export function pageRange(conversation: string, before: number | undefined, limit: number): PageRange {
  return {
    prefix: conversationPrefix(conversation),
    ...(before !== undefined ? { end: messageKey(conversation, before) } : {}),
    reverse: true,
    limit,
  };
}

/** The `before` of the page after this one (older), or undefined at the start of the conversation. */
export function nextBefore(page: { seq: number }[], limit: number): number | undefined {
  const oldest = page.at(-1);
  return page.length === limit && oldest && oldest.seq > 1 ? oldest.seq : undefined;
}

/**
 * Messages as a client shows them: one per id (a later copy replaces an earlier one: its state
 * moved on), in conversation order; messages not yet stored by the room (no seq) come last, in
 * the order they were sent.
 */
export function mergeMessages<M extends { id: string; seq?: number }>(existing: M[], incoming: M[]): M[] {
  const byId = new Map<string, M>();
  for (const message of [...existing, ...incoming]) byId.set(message.id, message);
  const all = [...byId.values()];
  const placed = all.filter((m) => m.seq !== undefined).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  const unplaced = all.filter((m) => m.seq === undefined);
  return [...placed, ...unplaced];
}
