import { type KeyboardEvent, useRef, useState } from "react";

/** Keys with which a closed select steps through its options, changing its value on each step. */
const STEPPING = new Set(["ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"]);

/**
 * A select whose choice takes effect at once, except while the keyboard steps through it: then
 * each step would take effect (and be seen by others) on the way to the option wanted. Stepped
 * choices are held until Enter or leaving the select (WCAG 3.2.2); a pointer's choice is final.
 */
export function useConfirmedSelect<T extends string>(committed: T, commit: (value: T) => void) {
  const [held, setHeld] = useState<T | null>(null);
  const stepping = useRef(false);
  const settle = () => {
    stepping.current = false;
    if (held !== null && held !== committed) commit(held);
    setHeld(null);
  };
  return {
    value: held ?? committed,
    onKeyDown: (event: KeyboardEvent<HTMLSelectElement>) => {
      if (STEPPING.has(event.key)) stepping.current = true;
      else if (event.key === "Enter") settle();
    },
    onChange: (event: { target: { value: string } }) => {
      const value = event.target.value as T;
      if (stepping.current) setHeld(value);
      else commit(value);
    },
    onBlur: settle,
  };
}
