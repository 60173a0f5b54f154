import { useNavigate } from "@tanstack/react-router";
import {
  Autocomplete,
  Dialog,
  Header,
  Heading,
  Input,
  Label,
  Menu,
  MenuItem,
  MenuSection,
  Modal,
  ModalOverlay,
  SearchField,
  useFilter,
} from "react-aria-components";
import { usePeople } from "../people/usePeople.ts";
import type { SwitcherState } from "./useKeyboardShortcuts.ts";
import "../overlays/pressable-style.ts";

/** Places the switcher offers besides people (settings pages are named here, loaded on opening). */
const PLACES: readonly { id: string; label: string; to: string; page?: string }[] = [
  { id: "place:requests", label: "Requests to watch you", to: "/requests" },
  { id: "place:settings", label: "Settings", to: "/settings" },
  { id: "settings:watchers", label: "Settings: who watches you", to: "/settings/$page", page: "watchers" },
  { id: "settings:rules", label: "Settings: who sees your presence", to: "/settings/$page", page: "rules" },
  {
    id: "settings:preview",
    label: "Settings: see what someone sees",
    to: "/settings/$page",
    page: "preview",
  },
  { id: "settings:blocked", label: "Settings: blocked people", to: "/settings/$page", page: "blocked" },
  {
    id: "settings:messages",
    label: "Settings: who may write to you",
    to: "/settings/$page",
    page: "messages",
  },
  {
    id: "settings:watching",
    label: "Settings: how your watching shows",
    to: "/settings/$page",
    page: "watching",
  },
];

/** Ctrl/Cmd+K: type to find any person or place, Enter to go there, Escape to close. */
export function QuickSwitcher({ state }: { state: SwitcherState }) {
  const navigate = useNavigate();
  const { rows } = usePeople();
  const { contains } = useFilter({ sensitivity: "base" });
  const go = (key: string) => {
    state.setOpen(false);
    if (key.startsWith("person:")) {
      void navigate({ to: "/chat/$peer", params: { peer: key.slice("person:".length) } });
      return;
    }
    const place = PLACES.find((p) => p.id === key);
    if (place?.page) void navigate({ to: "/settings/$page", params: { page: place.page } });
    else if (place) void navigate({ to: place.to });
  };
  return (
    <ModalOverlay isOpen={state.open} onOpenChange={state.setOpen} isDismissable className="modal-overlay">
      <Modal className="modal switcher">
        <Dialog aria-label="Go to">
          <Heading slot="title" className="visually-hidden">
            Go to
          </Heading>
          <Autocomplete filter={contains}>
            <SearchField aria-label="Find a person or a place" autoFocus className="switcher-search">
              <Label className="visually-hidden">Find a person or a place</Label>
              <Input placeholder="Find a person or a place" />
            </SearchField>
            <Menu
              className="menu switcher-list"
              onAction={(key) => go(String(key))}
              renderEmptyState={() => <p className="hint pad">No match.</p>}
            >
              <MenuSection>
                <Header className="menu-header">People</Header>
                {rows.map((row) => (
                  <MenuItem
                    key={row.handle}
                    id={`person:${row.handle}`}
                    textValue={row.handle}
                    className="menu-item"
                  >
                    {row.handle}
                  </MenuItem>
                ))}
              </MenuSection>
              <MenuSection>
                <Header className="menu-header">Places</Header>
                {PLACES.map((place) => (
                  <MenuItem key={place.id} id={place.id} textValue={place.label} className="menu-item">
                    {place.label}
                  </MenuItem>
                ))}
              </MenuSection>
            </Menu>
          </Autocomplete>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
