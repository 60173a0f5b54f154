const FOCUSABLE = "button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea, a[href]";
/** A row of a list: list items, table rows, and anything marked `data-row` (a group's fieldset). */
const ROW = "li, tr, [data-row]";

/**
 * Keeps the keyboard's place when an action takes away the control it was started from (Delete,
 * Unblock, Approve, a form that is drawn afresh after saving): browsers then drop focus to the
 * page, and a keyboard or screen-reader user must start again from the top. Call it as the action
 * starts; once the control has left the page it focuses the like control of the row that took
 * the removed row's place (or the last row), or, for a control outside any row, the same control
 * drawn anew; failing both, the heading of the nearest part of the page still there. If the
 * action fails and the control stays, nothing happens; if focus has moved on, it is left there.
 */
export function keepFocus(control: Element | null, waitMs = 30_000): void {
  if (!(control instanceof HTMLElement)) return;
  const row = control.closest(ROW);
  const list = row?.parentElement ?? null;
  const index = row && list ? rowsOf(list).indexOf(row) : -1;
  const ancestors: HTMLElement[] = [];
  for (let node = control.parentElement; node; node = node.parentElement) ancestors.push(node);
  const name = accessibleName(control);

  const observer = new MutationObserver(() => {
    if (control.isConnected) return;
    stop();
    if (document.activeElement && document.activeElement !== document.body) return;
    const area = ancestors.find((a) => a.isConnected && a !== list) ?? document.body;
    // A removed row's neighbour first: rows' controls can share a name (two "Delete" buttons of
    // messages that begin alike), and the one next to where the keyboard was is the one meant.
    const target = row
      ? (likeInRow(list, index, name) ?? sameControl(area, control, name))
      : (sameControl(area, control, name) ?? likeInRow(list, index, name));
    (target ?? heading(area))?.focus();
  });
  const timer = setTimeout(() => stop(), waitMs);
  function stop() {
    observer.disconnect();
    clearTimeout(timer);
  }
  observer.observe(document.body, { childList: true, subtree: true });
}

function accessibleName(element: HTMLElement): string {
  const labelled = element.getAttribute("aria-label");
  if (labelled) return labelled.trim();
  const label = (element as HTMLInputElement).labels?.[0];
  return (label?.textContent ?? element.textContent ?? "").trim();
}

function rowsOf(list: Element): Element[] {
  return [...list.children].filter((c) => c.matches(ROW));
}

function sameControl(area: HTMLElement, control: HTMLElement, name: string): HTMLElement | undefined {
  if (!name) return undefined;
  return [...area.querySelectorAll<HTMLElement>(FOCUSABLE)].find(
    (e) => e.tagName === control.tagName && accessibleName(e) === name,
  );
}

/** In the row now at the removed one's place: the control whose name starts the same way. */
function likeInRow(list: Element | null, index: number, name: string): HTMLElement | undefined {
  if (!list?.isConnected || index < 0) return undefined;
  const rows = rowsOf(list);
  const row = rows[Math.min(index, rows.length - 1)];
  if (!row) return undefined;
  const controls = [...row.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const verb = name.split(/\s/)[0] ?? "";
  return controls.find((c) => accessibleName(c).split(/\s/)[0] === verb) ?? controls[0];
}

function heading(area: HTMLElement): HTMLElement | undefined {
  for (let node: HTMLElement | null = area; node; node = node.parentElement) {
    const found = node.querySelector<HTMLElement>("h2, h3, h4");
    if (found) {
      // A heading is not focusable by itself; -1 lets a script focus it without adding a Tab stop.
      if (!found.hasAttribute("tabindex")) found.tabIndex = -1;
      return found;
    }
  }
  return undefined;
}
