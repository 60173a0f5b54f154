/**
 * What one sign-up allowance is kept for: an IPv4 address, or the /64 network of an IPv6 one
 * (one host is usually given a whole /64, so its single addresses would be a limit in name only).
 * An IPv4 address written as IPv6 (`::ffff:a.b.c.d`) is the IPv4 address. Anything else is kept
 * as given, lower-cased.
 */
export function addressKey(address: string): string {
  const text = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (mapped?.[1]) return mapped[1];
  if (!text.includes(":")) return text;
  const groups = expandIPv6(text);
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : text;
}

/** The eight 16-bit groups of an IPv6 address, without leading zeros; null if it is not one. */
function expandIPv6(text: string): string[] | null {
  const withoutZone = text.split("%")[0] ?? "";
  const halves = withoutZone.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  // An embedded IPv4 tail (a.b.c.d) counts as two groups.
  const last = tail.length ? tail : head;
  const v4 = last.at(-1)?.includes(".") ? last.pop() : undefined;
  if (v4) {
    const bytes = v4.split(".").map(Number);
    if (bytes.length !== 4 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) return null;
    const [a, b, c, d] = bytes as [number, number, number, number];
    last.push(((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
  }
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => Number.parseInt(g, 16).toString(16));
}
