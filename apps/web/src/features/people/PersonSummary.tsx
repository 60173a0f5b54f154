import { useNow } from "../../lib/useNow.ts";
import { useHandle } from "../session/useSession.ts";
import { Avatar } from "./Avatar.tsx";
import type { PersonRow } from "./people.ts";
import { buddyStateLabel, buddyTone, lastSeenLabel } from "./person-labels.ts";

/**
 * What the list shows of a person: avatar with presence dot, handle, time of the last message,
 * its preview (or their note, or their state), and the unread count. All of it is the option's
 * name, which so starts with the handle and says what the eye sees (WCAG 2.5.3, label in name).
 */
export function PersonSummary({ row }: { row: PersonRow }) {
  const me = useHandle();
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
    <>
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
          {/* The rest of what I know of them, for screen readers (the dot says it to the eye). */}
          <span className="visually-hidden">
            {state ? `, ${state}` : ""}
            {note && last ? `, note: ${note}` : ""}
            {seen && secondary !== seen ? `, ${seen}` : ""}
          </span>
        </span>
      </span>
    </>
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
