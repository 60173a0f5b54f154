/**
 * A colour of its own for each handle, the same on every device: a hue from a hash of the
 * handle, at a lightness dark enough that white initials on it keep a 4.5:1 contrast.
 */
export function avatarHue(handle: string): number {
  let hash = 2166136261;
  for (let i = 0; i < handle.length; i++) {
    hash ^= handle.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0) % 360;
}

/** One or two letters for an avatar: the first letters of the handle's parts ("mary.jane" → "MJ"). */
export function initials(handle: string): string {
  const parts = handle.split(/[._-]+/).filter(Boolean);
  const letters =
    parts.length > 1 ? `${parts[0]?.[0] ?? ""}${parts[1]?.[0] ?? ""}` : (parts[0] ?? handle).slice(0, 2);
  return letters.toUpperCase();
}
