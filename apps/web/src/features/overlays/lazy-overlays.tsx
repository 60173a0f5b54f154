import { lazy, type ReactNode, Suspense, useRef, useState } from "react";
import type { MenuAction } from "./Overlays.tsx";

const load = () => import("./Overlays.tsx");
const PopoverDialog = lazy(() => load().then((m) => ({ default: m.PopoverDialog })));
const ActionMenu = lazy(() => load().then((m) => ({ default: m.ActionMenu })));

/** Fetches the overlays' code once the first screen is up, so the first click opens at once. */
export function preloadOverlays(more: () => void = () => {}): void {
  const start = () => {
    void load().catch(() => {});
    more();
  };
  if ("requestIdleCallback" in window) window.requestIdleCallback(start, { timeout: 3_000 });
  else setTimeout(start, 1_000);
}

/** A button that opens a dialog beside it (the status menu, privacy for a person). */
export function DialogButton({
  label,
  dialogLabel,
  className,
  popoverClass,
  placement,
  children,
  content,
}: {
  label?: string;
  dialogLabel: string;
  className?: string;
  popoverClass?: string;
  placement?: "bottom start" | "bottom end";
  children: ReactNode;
  content: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button
        ref={trigger}
        type="button"
        className={className}
        aria-label={label}
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen((was) => !was)}
      >
        {children}
      </button>
      {open ? (
        <Suspense fallback={null}>
          <PopoverDialog
            triggerRef={trigger}
            onClose={() => setOpen(false)}
            label={dialogLabel}
            placement={placement}
            className={popoverClass}
          >
            {content}
          </PopoverDialog>
        </Suspense>
      ) : null}
    </>
  );
}

/** A button that opens a menu of actions. */
export function MenuButton({
  label,
  className,
  children,
  actions,
  onAction,
  open: openFromOutside,
  onOpenChange,
}: {
  label: string;
  className?: string;
  children: ReactNode;
  actions: readonly MenuAction[];
  onAction: (id: string) => void;
  /** Opened from elsewhere too (a long press on a message), when given. */
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
}) {
  const [openHere, setOpenHere] = useState(false);
  const open = openFromOutside ?? openHere;
  const setOpen = (next: boolean | ((was: boolean) => boolean)) => {
    const value = typeof next === "function" ? next(open) : next;
    setOpenHere(value);
    onOpenChange?.(value);
  };
  const trigger = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button
        ref={trigger}
        type="button"
        className={className}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((was) => !was)}
      >
        {children}
      </button>
      {open ? (
        <Suspense fallback={null}>
          <ActionMenu
            triggerRef={trigger}
            onClose={() => setOpen(false)}
            label={label}
            actions={actions}
            onAction={onAction}
          />
        </Suspense>
      ) : null}
    </>
  );
}
