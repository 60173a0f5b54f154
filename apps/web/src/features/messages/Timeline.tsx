import { useVirtualizer } from "@tanstack/react-virtual";
import { type UIEvent, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useNow } from "../../lib/useNow.ts";
import { useHandle } from "../session/useSession.ts";
import { MessageItem } from "./MessageItem.tsx";
import { dayLabel, layoutTimeline, type TimelineItem } from "./timeline.ts";
import { useDocumentVisible } from "./useDocumentVisible.ts";
import { type ShownMessage, useConversation, useConversations, useMarkRead } from "./useMessages.ts";

type Row = TimelineItem<ShownMessage> | { kind: "start"; key: string };

/** Near enough to the end to count as reading the newest message. */
const AT_END_PX = 80;

/**
 * One conversation's history, virtualized (only what is on screen is in the page, however long
 * the history): day lines, runs by sender, a "new messages" line, older pages as I scroll back,
 * and a way back to the newest message.
 */
export function Timeline({ peer }: { peer: string }) {
  const me = useHandle();
  const { history, messages } = useConversation(peer);
  const summary = useConversations().data?.find((c) => c.with === peer);
  const markRead = useMarkRead(peer);
  const visible = useDocumentVisible();
  const now = useNow(60_000);

  // The "new messages" line stays where it was when the conversation opened, though reading
  // it marks everything read at once.
  const [readAtOpen, setReadAtOpen] = useState<number | null>(null);
  useEffect(() => {
    if (readAtOpen === null && (summary || history.isSuccess)) setReadAtOpen(summary?.readUpTo ?? 0);
  }, [readAtOpen, summary, history.isSuccess]);

  const rows = useMemo<Row[]>(
    () => [
      { kind: "start", key: "start" },
      ...layoutTimeline(messages, {
        me,
        readUpTo: readAtOpen ?? Number.POSITIVE_INFINITY,
        dayLabel: (at) => dayLabel(at, now),
      }),
    ],
    [messages, me, readAtOpen, now],
  );

  // Seen means read: while this conversation is on screen, everything received is read.
  const lastReceived = Math.max(0, ...messages.filter((m) => m.from === peer).map((m) => m.seq ?? 0));
  useEffect(() => {
    if (visible && lastReceived > (summary?.readUpTo ?? 0)) markRead(lastReceived);
  }, [visible, lastReceived, summary?.readUpTo, markRead]);

  const scroller = useRef<HTMLElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (rows[i]?.kind === "message" ? 56 : 36),
    overscan: 12,
    getItemKey: (i) => rows[i]?.key ?? i,
  });

  const [atEnd, setAtEnd] = useState(true);
  const atEndRef = useRef(true);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = history;
  /** Where the view was when an older page was asked for, to stay there once it is in. */
  const beforeOlder = useRef<{ height: number; top: number } | null>(null);

  const toEnd = () => {
    const el = scroller.current;
    if (!el) return;
    virtualizer.scrollToIndex(rows.length - 1, { align: "end" });
    requestAnimationFrame(() => {
      el.scrollTop = el.scrollHeight;
    });
  };

  const loadOlder = () => {
    const el = scroller.current;
    if (!el || !hasNextPage || isFetchingNextPage) return;
    beforeOlder.current = { height: el.scrollHeight, top: el.scrollTop };
    void fetchNextPage();
  };

  function onScroll(event: UIEvent<HTMLElement>) {
    const el = event.currentTarget;
    const end = el.scrollHeight - el.scrollTop - el.clientHeight < AT_END_PX;
    atEndRef.current = end;
    setAtEnd(end);
    if (el.scrollTop < 150) loadOlder();
  }

  // First the unread line (or the newest message), then the newest whenever one comes while I
  // am at the end; an older page keeps the view where it was.
  const opened = useRef(false);
  const firstKey = rows[1]?.key;
  const lastKey = rows.at(-1)?.key;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the first or last row changes, not on every render
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || rows.length <= 1) return;
    if (beforeOlder.current) {
      const { height, top } = beforeOlder.current;
      beforeOlder.current = null;
      el.scrollTop = top + (el.scrollHeight - height);
      return;
    }
    if (!opened.current) {
      if (readAtOpen === null) return;
      opened.current = true;
      const unread = rows.findIndex((r) => r.kind === "unread");
      if (unread > 0) virtualizer.scrollToIndex(unread, { align: "start" });
      else toEnd();
      return;
    }
    if (atEndRef.current) toEnd();
  }, [firstKey, lastKey, readAtOpen]);

  return (
    <div className="timeline-wrap">
      {history.error ? (
        <p role="alert" className="error notice">
          Could not load the conversation: {history.error.message}
        </p>
      ) : null}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section className="timeline" ref={scroller} onScroll={onScroll} tabIndex={0} aria-label="History">
        <ol aria-label="Messages" className="message-list" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <li
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className={`row kind-${row.kind}`}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                {row.kind === "start" ? (
                  hasNextPage ? (
                    <button type="button" className="quiet" disabled={isFetchingNextPage} onClick={loadOlder}>
                      {isFetchingNextPage ? "Loading…" : "Load older messages"}
                    </button>
                  ) : history.isSuccess ? (
                    <span className="hint">The beginning of your conversation with {peer}.</span>
                  ) : (
                    <span className="hint">Loading…</span>
                  )
                ) : row.kind === "day" ? (
                  <span className="day-label">{row.label}</span>
                ) : row.kind === "unread" ? (
                  <span className="unread-label">New messages</span>
                ) : (
                  <MessageItem message={row.message} peer={peer} first={row.first} />
                )}
              </li>
            );
          })}
        </ol>
      </section>
      {!atEnd ? (
        <button type="button" className="jump-to-latest" onClick={toEnd}>
          Jump to latest <span aria-hidden="true">↓</span>
        </button>
      ) : null}
    </div>
  );
}
