import { timeAgo } from "../../lib/time.ts";
import { useNow } from "../../lib/useNow.ts";
import { openConversation, useOpenConversation } from "../shell/useSection.ts";
import { useConversations } from "./useMessages.ts";

/** Conversations, newest first: the last message, when, and how many I have not read. */
export function ConversationList() {
  const { data, error, isPending } = useConversations();
  const open = useOpenConversation();
  const now = useNow(30_000);
  if (isPending) return <p>Loading conversations…</p>;
  if (error) return <p role="alert">Could not load your conversations: {error.message}</p>;
  if (data.length === 0) return <p className="empty">No conversations yet.</p>;
  return (
    <ul aria-label="Conversations" className="conversations">
      {data.map((c) => (
        <li key={c.with} aria-label={c.with}>
          <button
            type="button"
            aria-current={open === c.with ? "true" : undefined}
            onClick={() => openConversation(c.with)}
          >
            <span className="handle">{c.with}</span>
            {c.unread > 0 ? <span className="badge">{c.unread} unread</span> : null}
            {c.last ? (
              <>
                <span className="last">{c.last.text.slice(0, 80)}</span>
                <span className="when">{timeAgo(c.last.sentAt, now)}</span>
              </>
            ) : null}
          </button>
        </li>
      ))}
    </ul>
  );
}
