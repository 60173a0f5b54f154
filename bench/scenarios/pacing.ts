/**
 * Sends `rate` messages a second for `seconds`, each from a random user to a random other one,
 * in ticks of 10 ms so that rates above 100 a second are not bound by timer granularity.
 * Resolves with how many were sent.
 */
export async function sendAtRate(
  rate: number,
  seconds: number,
  users: number,
  send: (from: number, to: number, index: number) => void,
): Promise<number> {
  const total = rate * seconds;
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
    for (; sent < due; sent++) {
      const from = Math.floor(Math.random() * users);
      let to = Math.floor(Math.random() * (users - 1));
      if (to >= from) to++;
      send(from, to, sent);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return total;
}
