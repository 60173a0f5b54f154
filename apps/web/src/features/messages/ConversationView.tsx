import { MessageTextSchema } from "@pim/protocol";
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";
import { keepFocus } from "../../lib/keepFocus.ts";
import { timeAgo } from "../../lib/time.ts";
import { useNow } from "../../lib/useNow.ts";
import { useHandle } from "../session/useSession.ts";
import { MessageText } from "./MessageText.tsx";
import { usePeerTyping } from "./typing.ts";
import { useDocumentVisible } from "./useDocumentVisible.ts";
import {
  type ShownMessage,
  useConversation,
  useConversations,
  useDeleteConversation,
  useDeleteMessage,
  useDeliverable,
  useDismiss,
  useMarkRead,
  useRetry,
  useSendMessage,
  useTypingNotice,
} from "./useMessages.ts";

/** One conversation: history (older pages as I scroll back), states, typing, and the composer. */
export function ConversationView({ peer }: { peer: string }) {
  const { history, messages } = useConversation(peer);
  const summary = useConversations().data?.find((c) => c.with === peer);
  const deliverable = useDeliverable(peer);
  const typing = usePeerTyping(peer);
  const markRead = useMarkRead(peer);
  const visible = useDocumentVisible();
  const deleteConversation = useDeleteConversation();
  const end = useRef<HTMLLIElement>(null);
  const top = useRef<HTMLLIElement>(null);

  // Seen means read: while this conversation is on screen, everything received is read.
  const lastReceived = Math.max(0, ...messages.filter((m) => m.from === peer).map((m) => m.seq ?? 0));
  useEffect(() => {
    if (visible && lastReceived > (summary?.readUpTo ?? 0)) markRead(lastReceived);
  }, [visible, lastReceived, summary?.readUpTo, markRead]);

  // The newest message stays in view as messages arrive.
  const newest = messages.at(-1)?.id;
  useEffect(() => {
    if (newest) end.current?.scrollIntoView?.({ block: "end" });
  }, [newest]);

  // Scrolling back to the top loads the page before it.
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = history;
  useEffect(() => {
    const sentinel = top.current;
    if (!sentinel || !hasNextPage) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <section aria-label={`Conversation with ${peer}`} className="conversation">
      <header>
        <h3>{peer}</h3>
        <button
          type="button"
          className="quiet"
          disabled={!summary || deleteConversation.isPending}
          onClick={() => deleteConversation.mutate(peer)}
        >
          Delete conversation
        </button>
      </header>
      {deliverable.data && !deliverable.data.accepting ? (
        <p role="status" className="notice">
          {deliverable.data.message}
        </p>
      ) : null}
      {deliverable.error ? (
        <p role="alert" className="error">
          {deliverable.error.message}
        </p>
      ) : null}
      {history.error ? (
        <p role="alert" className="error">
          Could not load the conversation: {history.error.message}
        </p>
      ) : null}
      <ol aria-label="Messages" className="message-list">
        <li ref={top} className="history-start">
          {hasNextPage ? (
            <button
              type="button"
              className="quiet"
              disabled={isFetchingNextPage}
              onClick={() => void fetchNextPage()}
            >
              {isFetchingNextPage ? "Loading…" : "Load older messages"}
            </button>
          ) : history.isSuccess ? (
            <span className="hint">The beginning of your conversation with {peer}.</span>
          ) : null}
        </li>
        {messages.map((message) => (
          <MessageItem key={message.id} message={message} peer={peer} />
        ))}
        <li ref={end} aria-hidden="true" className="history-end" />
      </ol>
      {typing ? (
        <p role="status" className="typing">
          {peer} is typing…
        </p>
      ) : null}
      {/* One composer per conversation: a draft never moves to another one. */}
      <Composer key={peer} peer={peer} />
    </section>
  );
}

const STATE_LABELS = {
  sending: "Sending…",
  delivered: "Delivered",
  read: "Read",
  failed: "Not delivered",
} as const;

function MessageItem({ message, peer }: { message: ShownMessage; peer: string }) {
  const me = useHandle();
  const now = useNow(30_000);
  const mine = message.from === me;
  const retry = useRetry();
  const dismiss = useDismiss();
  const remove = useDeleteMessage(peer);
  return (
    <li className={`message ${mine ? "mine" : "theirs"}`}>
      <span className="from">{mine ? "You" : message.from}</span>
      <MessageText text={message.text} />
      <span className="meta">
        <span className="when">{timeAgo(message.sentAt, now)}</span>
        {mine ? (
          <span className={`state ${message.state}`}>
            {STATE_LABELS[message.state]}
            {/* A message that did not go is worth interrupting for. */}
            {message.state === "failed" && message.reason ? (
              <span role="alert">: {message.reason}</span>
            ) : null}
          </span>
        ) : null}
        {mine && message.state === "failed" ? (
          <>
            <button type="button" className="quiet" onClick={() => retry(message)}>
              Try again
            </button>
            {message.seq === undefined ? (
              <button
                type="button"
                className="quiet"
                onClick={(e) => {
                  keepFocus(e.currentTarget);
                  dismiss(message.id);
                }}
              >
                Dismiss
              </button>
            ) : null}
          </>
        ) : null}
        {message.seq !== undefined ? (
          <button
            type="button"
            className="quiet"
            aria-label={`Delete message “${message.text.slice(0, 30)}”`}
            onClick={(e) => {
              if (message.seq === undefined) return;
              keepFocus(e.currentTarget);
              remove.mutate(message.seq);
            }}
          >
            Delete
          </button>
        ) : null}
      </span>
    </li>
  );
}

function Composer({ peer }: { peer: string }) {
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const send = useSendMessage(peer);
  const typingNotice = useTypingNotice(peer);
  const box = useRef<HTMLTextAreaElement>(null);
  // Opening a conversation is asking to write in it.
  useEffect(() => {
    box.current?.focus();
  }, []);

  function submit(event?: FormEvent) {
    event?.preventDefault();
    const checked = MessageTextSchema.safeParse(text);
    if (!checked.success) {
      setProblem(checked.error.issues[0]?.message ?? "That message cannot be sent.");
      return;
    }
    setProblem(null);
    send(text);
    setText("");
    typingNotice(false);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // Enter that confirms an input method's composition (Japanese, Chinese, …) only confirms it.
    if (event.nativeEvent.isComposing || event.keyCode === 229) return;
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      submit();
    }
  }

  return (
    <form onSubmit={submit} className="composer" aria-label="Send a message">
      <textarea
        ref={box}
        aria-label={`Message to ${peer}`}
        value={text}
        rows={2}
        onKeyDown={onKeyDown}
        onChange={(e) => {
          setText(e.target.value);
          setProblem(null); // the problem was with the text as it was
          typingNotice(e.target.value.length > 0);
        }}
        onBlur={() => typingNotice(false)}
      />
      <button type="submit">Send</button>
      {problem ? (
        <p role="alert" className="error">
          {problem}
        </p>
      ) : null}
    </form>
  );
}
