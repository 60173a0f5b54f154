import { useNavigate } from "@tanstack/react-router";
import { type ReactNode, useState } from "react";
import { useLongPress } from "react-aria";
import { ListBox, ListBoxItem } from "react-aria-components";
import { ActionMenu } from "../overlays/Overlays.tsx";
import { usePlace } from "../shell/usePlace.ts";
import type { PersonSummary } from "./PersonSummary.tsx";
import { filterPeople } from "./people.ts";
import { usePeople } from "./usePeople.ts";
import { usePersonActions } from "./usePersonActions.ts";
import "../overlays/pressable-style.ts";

/**
 * The people list as a React Aria list box: one Tab stop, arrow keys and type-ahead inside it,
 * the open conversation selected. Choosing a person (click, tap, Enter or Space) opens the
 * conversation; a long press (touch), a right click or the context-menu key opens their actions.
 * Loaded after the first screen's code (PeopleList.tsx), as React Aria is.
 */
export default function PeopleListBox({
  filter,
  onOpen,
  Summary,
}: {
  filter: string;
  onOpen: () => void;
  /**
   * PersonSummary, handed in by PeopleList: imported here, it makes Rolldown split the labels and
   * avatar it shares with the first screen into chunks of their own (+0.8 KiB gzipped there).
   */
  Summary: typeof PersonSummary;
}) {
  const { rows } = usePeople();
  const place = usePlace();
  const navigate = useNavigate();
  // The last person whose menu was opened stays, so a failed action is still told once it closes.
  const [menu, setMenu] = useState<{ peer: string; target: HTMLElement; open: boolean } | null>(null);
  const open = place.kind === "chat" ? place.peer : null;
  const openMenu = (peer: string, element: Element) => {
    const target = element.closest<HTMLElement>('[role="option"]');
    if (target) setMenu({ peer, target, open: true });
  };
  return (
    <>
      <ListBox
        aria-label="People"
        className="people-list"
        selectionMode="single"
        disallowEmptySelection
        selectedKeys={open ? [open] : []}
        onSelectionChange={(keys) => {
          const peer = keys === "all" ? undefined : [...keys][0];
          if (typeof peer !== "string" || peer === open) return;
          onOpen();
          void navigate({ to: "/chat/$peer", params: { peer } });
        }}
      >
        {filterPeople(rows, filter).map((row) => (
          <ListBoxItem
            key={row.handle}
            id={row.handle}
            textValue={row.handle}
            data-handle={row.handle}
            className={`person ${(row.conversation?.unread ?? 0) > 0 ? "has-unread" : ""}`}
            onContextMenu={(event) => {
              event.preventDefault();
              openMenu(row.handle, event.currentTarget);
            }}
          >
            <LongPress onLongPress={(element) => openMenu(row.handle, element)}>
              <Summary row={row} />
            </LongPress>
          </ListBoxItem>
        ))}
      </ListBox>
      {menu ? (
        <PersonMenu {...menu} key={menu.peer} onClose={() => setMenu({ ...menu, open: false })} />
      ) : null}
    </>
  );
}

/** A touch held on a person: React Aria tells a long press from a tap (which opens the chat). */
function LongPress({
  onLongPress,
  children,
}: {
  onLongPress: (element: Element) => void;
  children: ReactNode;
}) {
  const { longPressProps } = useLongPress({
    pointerType: "touch",
    onLongPress: (event) => onLongPress(event.target),
  });
  // Its press would end on the click and stop it there, so the option (the list box's own press,
  // which opens the chat on a tap) would never see it; without its click handler it ends on its
  // own once the click has passed. A long press still cancels the option's press (pointercancel).
  const { onClick: _keptForTheOption, ...props } = longPressProps;
  return (
    <div {...props} className="person-row">
      {children}
    </div>
  );
}

/** The person's actions (the same as their header's "More actions"), beside their row. */
function PersonMenu({
  peer,
  target,
  open,
  onClose,
}: {
  peer: string;
  target: HTMLElement;
  open: boolean;
  onClose: () => void;
}) {
  const { actions, run, error } = usePersonActions(peer, "list");
  return (
    <>
      {open ? (
        <ActionMenu
          triggerRef={{ current: target }}
          onClose={onClose}
          label={`Actions for ${peer}`}
          actions={actions}
          onAction={run}
        />
      ) : null}
      {error ? (
        <p role="alert" className="error pad">
          {error.message}
        </p>
      ) : null}
    </>
  );
}
