/**
 * The first reads of a page load, started by a few lines in index.html while the app's code is
 * still loading and starting (a third of a second or more on a slow machine), so their answers
 * are there when the app first asks. Each is used once, by the first GET of the same path, and
 * parsed like any other answer; later reads go to the network.
 */
type EarlyReads = Record<string, Promise<Response> | undefined>;

declare global {
  interface Window {
    __pimEarlyReads?: EarlyReads;
  }
}

export function takeEarlyRead(path: string): Promise<Response> | undefined {
  const reads = typeof window === "undefined" ? undefined : window.__pimEarlyReads;
  // The page's inline script fills a plain object: only its own keys are reads.
  if (!reads || !Object.hasOwn(reads, path)) return undefined;
  const read = reads[path];
  delete reads[path];
  return read;
}
