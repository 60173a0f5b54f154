import type { Buddy } from "@pim/protocol";
import { keepFocus } from "../../lib/keepFocus.ts";
import { timeAgo } from "../../lib/time.ts";
import { useNow } from "../../lib/useNow.ts";
import { presenceLabel, presenceTone } from "../presence/presence-labels.ts";
import { useBlock, usePrivacy, useUnblock } from "../privacy/usePrivacy.ts";
import { openConversation } from "../shell/useSection.ts";
import { useBuddies, useRemoveBuddy } from "./useBuddies.ts";

/** The buddy list: each buddy's presence, note and last seen, live; available people first. */
export function BuddyList() {
  const { data: buddies, isPending, error } = useBuddies();
  if (isPending) return <p>Loading your buddies…</p>;
  if (error) return <p role="alert">Could not load your buddies: {error.message}</p>;
  if (buddies.length === 0) return <p className="empty">No buddies yet. Add someone by their handle.</p>;
  return (
    <ul aria-label="Buddies" className="buddies">
      {buddies.map((buddy) => (
        <BuddyRow key={buddy.handle} buddy={buddy} />
      ))}
    </ul>
  );
}

function BuddyRow({ buddy }: { buddy: Buddy }) {
  const remove = useRemoveBuddy();
  const blockBuddy = useBlock();
  const unblockBuddy = useUnblock();
  const blocked = usePrivacy().data?.blocked.includes(buddy.handle) ?? false;
  const now = useNow(30_000);
  const { view } = buddy;
  const state =
    buddy.state === "pending"
      ? "Waiting for approval"
      : buddy.state === "refused"
        ? "Offline (not shared with you)"
        : buddy.state === "ended"
          ? "Stopped sharing"
          : presenceLabel(view);
  return (
    <li aria-label={buddy.handle} className="buddy">
      <span
        className={`dot ${buddy.state === "active" ? presenceTone(view) : "closed"}`}
        aria-hidden="true"
      />
      <span className="buddy-main">
        <span className="handle">{buddy.handle}</span>
        <span className="presence">{state}</span>
        {view?.note ? <span className="note">“{view.note}”</span> : null}
        {view?.status === "closed" && view.lastSeen !== undefined ? (
          <span className="last-seen">Last seen {timeAgo(view.lastSeen, now)}</span>
        ) : null}
      </span>
      <button
        type="button"
        aria-label={`Message ${buddy.handle}`}
        onClick={() => openConversation(buddy.handle)}
      >
        Message
      </button>
      <button
        type="button"
        className="quiet"
        aria-label={`Remove ${buddy.handle}`}
        disabled={remove.isPending}
        onClick={(e) => {
          keepFocus(e.currentTarget);
          remove.mutate(buddy.handle);
        }}
      >
        Remove
      </button>
      {blocked ? (
        <button
          type="button"
          className="quiet"
          aria-label={`Unblock ${buddy.handle}`}
          disabled={unblockBuddy.isPending}
          onClick={() => unblockBuddy.mutate(buddy.handle)}
        >
          Unblock
        </button>
      ) : (
        <button
          type="button"
          className="quiet"
          aria-label={`Block ${buddy.handle}`}
          disabled={blockBuddy.isPending}
          onClick={() => blockBuddy.mutate(buddy.handle)}
        >
          Block
        </button>
      )}
    </li>
  );
}
