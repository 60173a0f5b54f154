import type { CSSProperties } from "react";
import { avatarHue, initials } from "./avatar-colour.ts";

/** A person's initials on their own colour; decorative: their name is always written beside it. */
export function Avatar({
  handle,
  size = "md",
  tone,
}: {
  handle: string;
  size?: "sm" | "md" | "lg";
  tone?: string;
}) {
  return (
    <span
      className={`avatar ${size}`}
      style={{ "--hue": avatarHue(handle) } as CSSProperties}
      aria-hidden="true"
    >
      {initials(handle)}
      {tone ? <span className={`dot ${tone}`} /> : null}
    </span>
  );
}
