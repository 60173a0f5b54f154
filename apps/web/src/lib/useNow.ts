import { useCallback, useSyncExternalStore } from "react";

/** One ticker per interval, shared by every component that asks for it. */
type Ticker = { now: number; timer: ReturnType<typeof setInterval>; listeners: Set<() => void> };
const tickers = new Map<number, Ticker>();
/** The time last read at an interval nobody follows: the same answer for a whole render. */
const resting = new Map<number, number>();

/**
 * Follows the clock at `everyMs`: the first subscriber starts one interval, the last one to leave
 * stops it, so a list of a hundred "5 min ago" labels runs one timer, not a hundred. Returns the undo.
 */
export function subscribeToClock(everyMs: number, listener: () => void): () => void {
  let ticker = tickers.get(everyMs);
  if (!ticker) {
    const started: Ticker = {
      now: Date.now(),
      listeners: new Set(),
      timer: setInterval(() => {
        started.now = Date.now();
        for (const notify of [...started.listeners]) notify();
      }, everyMs),
    };
    ticker = started;
    tickers.set(everyMs, ticker);
  }
  ticker.listeners.add(listener);
  const joined = ticker;
  return () => {
    joined.listeners.delete(listener);
    if (joined.listeners.size === 0) {
      clearInterval(joined.timer);
      tickers.delete(everyMs);
    }
  };
}

/**
 * The shared clock's time at `everyMs`. Asked twice in a row it answers the same (React requires
 * it of a store), so with no ticker running it keeps its last answer for up to `everyMs`.
 */
export function clockNow(everyMs: number): number {
  const ticker = tickers.get(everyMs);
  if (ticker) return ticker.now;
  const now = Date.now();
  const last = resting.get(everyMs);
  if (last !== undefined && now - last < everyMs) return last;
  resting.set(everyMs, now);
  return now;
}

/** How many intervals run now (one per distinct `everyMs` in use), for tests. */
export function runningClocks(): number {
  return tickers.size;
}

/** The current time, refreshed every `everyMs`, for "5 min ago" labels that stay true. */
export function useNow(everyMs: number): number {
  // A new subscribe function would unsubscribe and subscribe again on every render.
  const subscribe = useCallback((listener: () => void) => subscribeToClock(everyMs, listener), [everyMs]);
  return useSyncExternalStore(subscribe, () => clockNow(everyMs));
}
