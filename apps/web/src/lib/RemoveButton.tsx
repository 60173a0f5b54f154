import type { ButtonHTMLAttributes } from "react";
import { keepFocus } from "./keepFocus.ts";

type Props = Omit<ButtonHTMLAttributes<HTMLButtonElement>, "onClick" | "type"> & {
  /** What the button does; it may take the button (or its row) off the page. */
  onPress: () => void;
};

/**
 * A button whose action removes it, or the row it is in (Remove, Unblock, Approve, a form drawn
 * afresh after saving), keeping the keyboard's place: see `keepFocus`. `aria-disabled` stops the
 * action while leaving the button focusable.
 */
export function RemoveButton({ onPress, ...button }: Props) {
  return (
    <button
      {...button}
      type="button"
      onClick={(e) => {
        if (button["aria-disabled"] === true || button["aria-disabled"] === "true") return;
        keepFocus(e.currentTarget);
        onPress();
      }}
    />
  );
}
