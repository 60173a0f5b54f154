import { canonicalHandle, HandleSchema } from "@pim/protocol";
import { Link } from "@tanstack/react-router";
import { useEffect, useRef, useState } from "react";
import { ApiError } from "../../lib/api.ts";
import { useNow } from "../../lib/useNow.ts";
import { useAddBuddy } from "../buddies/useBuddies.ts";
import { useHandle } from "../session/useSession.ts";
import { useOpenPeer } from "../shell/usePlace.ts";
import { Avatar } from "./Avatar.tsx";
import { filterPeople, type PersonRow } from "./people.ts";
import { buddyStateLabel, buddyTone, lastSeenLabel } from "./person-labels.ts";
import { usePeople } from "./usePeople.ts";

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
      {rows.length > 0 ? (
        <ul aria-label="People" className="people-list">
          {shown.map((row) => (
            <PersonItem key={row.handle} row={row} onOpen={() => setTyped("")} />
          ))}
        </ul>
      ) : null}
      {rows.length > 0 && shown.length === 0 && typed.trim() ? (
        <p className="hint pad">No one in your list matches “{typed.trim()}”.</p>
      ) : null}
    </div>
  );
}

function PersonItem({ row, onOpen }: { row: PersonRow; onOpen: () => void }) {
  const me = useHandle();
  const open = useOpenPeer();
  const now = useNow(30_000);
  const { buddy, conversation } = row;
  const last = conversation?.last;
  const state = buddy ? buddyStateLabel(buddy) : null;
  const seen = lastSeenLabel(buddy, now);
  const note = buddy?.view?.note;
  const secondary = last
    ? `${last.from === me ? "You: " : ""}${last.text.slice(0, 120)}`
    : note
      ? `“${note}”`
      : (seen ?? state ?? "");
  const unread = conversation?.unread ?? 0;
  return (
    <li aria-label={row.handle} className={`person ${unread > 0 ? "has-unread" : ""}`}>
      <Link
        to="/chat/$peer"
        params={{ peer: row.handle }}
        aria-current={open === row.handle ? "page" : undefined}
        className="person-link"
        onClick={onOpen}
      >
        <Avatar handle={row.handle} tone={buddyTone(buddy) ?? undefined} />
        <span className="person-text">
          <span className="person-top">
            <span className="handle">{row.handle}</span>
            {last ? <time className="when">{shortTime(last.sentAt, now)}</time> : null}
          </span>
          <span className="person-bottom">
            <span className="secondary">{secondary}</span>
            {unread > 0 ? (
              <span className="badge">
                {unread}
                <span className="visually-hidden"> unread</span>
              </span>
            ) : null}
          </span>
          {/* The rest of what I know of them, for screen readers (the dot says it to the eye). */}
          <span className="visually-hidden">
            {state ? `, ${state}` : ""}
            {note && last ? `, note: ${note}` : ""}
            {seen && secondary !== seen ? `, ${seen}` : ""}
          </span>
        </span>
      </Link>
    </li>
  );
}

/** 14:05 today, "Mon" this week, else a short date. */
function shortTime(at: number, now: number): string {
  const date = new Date(at);
  if (now - at < 86_400_000 && date.getDate() === new Date(now).getDate())
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  if (now - at < 6 * 86_400_000) return date.toLocaleDateString([], { weekday: "short" });
  return date.toLocaleDateString([], { day: "numeric", month: "short" });
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
