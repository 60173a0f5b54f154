const ACTIVITY = ["pointerdown", "keydown", "mousemove", "focus"] as const;

/**
 * Calls `onChange(true)` once the page has had no input for `afterMs`, and `onChange(false)` at
 * the first input after that. Returns the undo.
 */
export function watchIdle(afterMs: number, onChange: (idle: boolean) => void): () => void {
  let idle = false;
  let timer = setTimeout(goIdle, afterMs);
  function goIdle() {
    idle = true;
    onChange(true);
  }
  function activity() {
    clearTimeout(timer);
    timer = setTimeout(goIdle, afterMs);
    if (idle) {
      idle = false;
      onChange(false);
    }
  }
  for (const name of ACTIVITY) window.addEventListener(name, activity, { passive: true });
  return () => {
    clearTimeout(timer);
    for (const name of ACTIVITY) window.removeEventListener(name, activity);
  };
}
