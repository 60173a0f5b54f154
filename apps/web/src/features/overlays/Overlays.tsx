import type { ReactNode, RefObject } from "react";
import { Dialog, Menu, MenuItem, Popover } from "react-aria-components";
import "./pressable-style.ts";

/**
 * The overlays (React Aria Components): loaded after the first screen (lazy-overlays.tsx), since
 * nothing on it needs them before the first click. Each is opened by a plain button that says it
 * opens a dialog or menu (aria-haspopup, aria-expanded); React Aria places it, moves the keyboard
 * into it, closes it with Escape or a click outside, and gives focus back to that button.
 */
export type OverlayProps = { triggerRef: RefObject<HTMLElement | null>; onClose: () => void };

export function PopoverDialog({
  triggerRef,
  onClose,
  label,
  placement = "bottom start",
  className,
  children,
}: OverlayProps & {
  label: string;
  placement?: "bottom start" | "bottom end";
  className?: string;
  children: (close: () => void) => ReactNode;
}) {
  return (
    <Popover
      triggerRef={triggerRef}
      isOpen
      onOpenChange={(open) => (open ? undefined : onClose())}
      placement={placement}
      className={`popover ${className ?? ""}`}
    >
      <Dialog aria-label={label} className={className ? `${className}-dialog` : undefined}>
        {children(onClose)}
      </Dialog>
    </Popover>
  );
}

export type MenuAction = { id: string; label: string; danger?: boolean };

export function ActionMenu({
  triggerRef,
  onClose,
  label,
  actions,
  onAction,
}: OverlayProps & { label: string; actions: readonly MenuAction[]; onAction: (id: string) => void }) {
  return (
    <Popover
      triggerRef={triggerRef}
      isOpen
      onOpenChange={(open) => (open ? undefined : onClose())}
      placement="bottom end"
      className="popover"
    >
      <Menu
        aria-label={label}
        autoFocus="first"
        className="menu"
        onAction={(key) => onAction(String(key))}
        onClose={onClose}
      >
        {actions.map((action) => (
          <MenuItem key={action.id} id={action.id} className={`menu-item ${action.danger ? "danger" : ""}`}>
            {action.label}
          </MenuItem>
        ))}
      </Menu>
    </Popover>
  );
}
