import { useNavigate } from "@tanstack/react-router";
import { useEffect, useRef, useState } from "react";
import { usePeople } from "../people/usePeople.ts";
import { useOpenPeer, usePlace } from "./usePlace.ts";

/**
 * The app's keys: Ctrl/Cmd+K opens the quick switcher; Alt+Up/Down opens the conversation above
 * or below in the list; Escape, outside any dialog or field with text, closes the open place.
 */
/** Whether the quick switcher is open, and the way to open or close it. */
export type SwitcherState = { open: boolean; setOpen: (open: boolean) => void };

export function useKeyboardShortcuts(): SwitcherState {
  const [open, setOpen] = useState(false);
  const navigate = useNavigate();
  const { rows } = usePeople();
  const peer = useOpenPeer();
  const place = usePlace();
  // The handler reads the latest list and place without being added again on every change.
  const latest = useRef({ rows, peer, place });
  latest.current = { rows, peer, place };

  useEffect(() => {
    // Alt+arrows are read before anything on the page (the people list box would take the arrow).
    function onKeyDownFirst(event: KeyboardEvent) {
      if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
      const { rows, peer } = latest.current;
      if (rows.length === 0) return;
      event.preventDefault();
      event.stopPropagation();
      const here = rows.findIndex((r) => r.handle === peer);
      const step = event.key === "ArrowUp" ? -1 : 1;
      const next = here === -1 ? (step === 1 ? 0 : rows.length - 1) : here + step;
      const row = rows[Math.max(0, Math.min(rows.length - 1, next))];
      if (row && row.handle !== peer) void navigate({ to: "/chat/$peer", params: { peer: row.handle } });
    }
    function onKeyDown(event: KeyboardEvent) {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k") {
        event.preventDefault();
        setOpen((was) => !was);
        return;
      }
      if (event.key === "Escape" && !event.defaultPrevented) {
        const target = event.target as HTMLElement | null;
        // A dialog, a menu or the switcher's list closes itself; the people list is the app's.
        const own = target?.closest("[role=dialog], [role=menu], [role=listbox]");
        if (own && own.getAttribute("aria-label") !== "People") return;
        if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) {
          if (target.value !== "") return;
        }
        const { place, peer } = latest.current;
        if (place.kind === "home") return;
        void navigate({ to: "/" }).then(() => {
          // The keyboard goes on from the person just closed, in the list.
          const option = peer
            ? document.querySelector<HTMLElement>(`.people-list [data-handle="${CSS.escape(peer)}"]`)
            : null;
          (option ?? document.getElementById("people-search"))?.focus();
        });
      }
    }
    window.addEventListener("keydown", onKeyDownFirst, { capture: true });
    window.addEventListener("keydown", onKeyDown);
    return () => {
      window.removeEventListener("keydown", onKeyDownFirst, { capture: true });
      window.removeEventListener("keydown", onKeyDown);
    };
  }, [navigate]);

  return { open, setOpen };
}
