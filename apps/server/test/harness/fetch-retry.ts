/**
 * Integration tests' fetch: a GET or HEAD whose kept-alive connection the dev server closed at
 * the moment it was reused ("other side closed") is sent once more, on a new connection, as
 * browsers do for idempotent requests. Node's fetch does not, and the race shows up as a rare,
 * unrelated failure. Anything else, and every other method, fails as it did.
 */
const original = globalThis.fetch;

function staleConnection(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } } | null)?.cause;
  return error instanceof TypeError && cause?.code === "UND_ERR_SOCKET";
}

globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
  const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
  try {
    return await original(input, init);
  } catch (error) {
    if ((method !== "GET" && method !== "HEAD") || !staleConnection(error)) throw error;
    return original(input, init);
  }
};
