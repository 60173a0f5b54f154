import { Link } from "@tanstack/react-router";
import { type ReactNode, useEffect, useRef } from "react";

/**
 * The heading of a page in the main pane, with the way back to the list on a phone. It takes
 * the keyboard's focus when the page opens by navigation, so a screen reader starts there.
 */
export function PaneHeading({
  id,
  children,
  focus = true,
}: {
  id: string;
  children: ReactNode;
  focus?: boolean;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus && !heading.current?.closest(".pane")?.contains(document.activeElement))
      heading.current?.focus();
  }, [focus]);
  return (
    <div className="pane-heading">
      <BackToList />
      <h2 id={id} ref={heading} tabIndex={-1}>
        {children}
      </h2>
    </div>
  );
}

/** Shown on a phone only, where the list and the open place take turns on the screen. */
export function BackToList() {
  return (
    <Link to="/" className="back" aria-label="Back to the list">
      <span aria-hidden="true">←</span>
    </Link>
  );
}
