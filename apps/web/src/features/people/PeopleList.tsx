import { canonicalHandle, HandleSchema } from "@pim/protocol";
import { Link } from "@tanstack/react-router";
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { ApiError } from "../../lib/api.ts";
import { useAddBuddy } from "../buddies/useBuddies.ts";
import { useHandle } from "../session/useSession.ts";
import { PersonSummary } from "./PersonSummary.tsx";
import { filterPeople, type PersonRow } from "./people.ts";
import { usePeople } from "./usePeople.ts";

// The list box is React Aria, which the first screen's code leaves out (decision 23). The first
// screen shows the rows as plain links (usable, with no arrows or type-ahead yet); the list box's
// code is fetched once they are on screen, and takes over the same rows.
const PeopleListBox = lazy(() => import("./PeopleListBox.tsx"));

/** One list of people: buddies and conversations, with a search box that also adds anyone. */
export function PeopleList() {
  const { rows, isPending, error } = usePeople();
  const [typed, setTyped] = useState("");
  const search = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Just signed in or back: the keyboard starts at the search box, unless it is elsewhere already.
    if (document.activeElement === document.body) search.current?.focus();
  }, []);
  const shown = filterPeople(rows, typed);
  const [enhanced, setEnhanced] = useState(false);
  useEffect(() => {
    if (enhanced || rows.length === 0) return;
    // After the plain rows are painted, so the list box's code is not on the first screen's path.
    const timer = setTimeout(() => setEnhanced(true), 0);
    return () => clearTimeout(timer);
  }, [enhanced, rows.length]);
  return (
    <div className="people">
      <div className="search">
        <label htmlFor="people-search" className="visually-hidden">
          Search people, or type a handle to add
        </label>
        <input
          id="people-search"
          ref={search}
          type="search"
          placeholder="Search or add by handle"
          autoComplete="off"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
        />
      </div>
      <NewPerson typed={typed} rows={rows} onDone={() => setTyped("")} />
      {isPending ? <p className="hint pad">Loading…</p> : null}
      {error ? (
        <p role="alert" className="error pad">
          Could not load your people: {error.message}
        </p>
      ) : null}
      {!isPending && rows.length === 0 ? (
        <p className="empty pad">
          No one here yet. Type someone's handle above to add them or write to them.
        </p>
      ) : null}
      {rows.length > 0 && !enhanced ? <PeopleRows filter={typed} /> : null}
      {rows.length > 0 && enhanced ? (
        <Suspense fallback={<PeopleRows filter={typed} />}>
          <PeopleListBox filter={typed} onOpen={() => setTyped("")} Summary={PersonSummary} />
        </Suspense>
      ) : null}
      {rows.length > 0 && shown.length === 0 && typed.trim() ? (
        <p className="hint pad">No one in your list matches “{typed.trim()}”.</p>
      ) : null}
    </div>
  );
}

/**
 * The rows as plain links while the list box's code is on its way (a moment, once per visit):
 * the first screen is usable without React Aria, which then takes over the same rows.
 */
function PeopleRows({ filter }: { filter: string }) {
  const { rows } = usePeople();
  return (
    <ul className="people-list" aria-label="People">
      {filterPeople(rows, filter).map((row) => (
        <li key={row.handle} className={`person ${(row.conversation?.unread ?? 0) > 0 ? "has-unread" : ""}`}>
          <Link to="/chat/$peer" params={{ peer: row.handle }} className="person-row">
            <PersonSummary row={row} />
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** A handle typed in the search box that is not (yet) a buddy: write to them, or add them. */
function NewPerson({ typed, rows, onDone }: { typed: string; rows: PersonRow[]; onDone: () => void }) {
  const me = useHandle();
  const add = useAddBuddy();
  const parsed = HandleSchema.safeParse(typed.trim());
  const handle = parsed.success ? canonicalHandle(parsed.data) : null;
  const row = handle ? rows.find((r) => r.handle === handle) : undefined;
  const error = add.error
    ? add.error instanceof ApiError
      ? add.error.message
      : "Could not add them."
    : null;
  if (!handle || handle === me)
    return error ? (
      <p role="alert" className="error pad">
        {error}
      </p>
    ) : null;
  return (
    <div className="new-person">
      {!row ? (
        <Link to="/chat/$peer" params={{ peer: handle }} className="button quiet" onClick={onDone}>
          Message {handle}
        </Link>
      ) : null}
      {!row?.buddy ? (
        <button
          type="button"
          aria-disabled={add.isPending}
          onClick={() => {
            if (!add.isPending) add.mutate(handle, { onSuccess: onDone });
          }}
        >
          Add {handle} as a buddy
        </button>
      ) : null}
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
