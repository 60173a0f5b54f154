import { useState } from "react";
import { MenuButton } from "../overlays/lazy-overlays.tsx";
import { useHandle } from "../session/useSession.ts";
import { MessageText } from "./MessageText.tsx";
import { type ShownMessage, useDeleteMessage, useDismiss, useRetry } from "./useMessages.ts";

/** Each state in words for screen readers; to the eye, a quiet mark (✓ delivered, ✓✓ read). */
const STATES = {
  sending: { mark: "◷", text: "Sending…" },
  delivered: { mark: "✓", text: "Delivered" },
  read: { mark: "✓✓", text: "Read" },
  failed: { mark: "!", text: "Not delivered" },
} as const;

type Action = "copy" | "delete" | "retry" | "dismiss";

/** One message: its text, time and state; its actions in a menu (on hover, focus, long press). */
export function MessageItem({
  message,
  peer,
  first,
}: {
  message: ShownMessage;
  peer: string;
  first: boolean;
}) {
  const me = useHandle();
  const mine = message.from === me;
  const retry = useRetry();
  const dismiss = useDismiss();
  const remove = useDeleteMessage(peer);
  const state = STATES[message.state];
  const [menuOpen, setMenuOpen] = useState(false);
  const actions: [Action, string][] = [["copy", "Copy text"]];
  if (mine && message.state === "failed") actions.push(["retry", "Try again"]);
  if (mine && message.state === "failed" && message.seq === undefined) actions.push(["dismiss", "Dismiss"]);
  if (message.seq !== undefined) actions.push(["delete", "Delete"]);
  const run = (action: Action) => {
    switch (action) {
      case "copy":
        return void navigator.clipboard?.writeText(message.text).catch(() => {});
      case "delete":
        if (message.seq !== undefined) remove.mutate(message.seq);
        return focusComposer();
      case "retry":
        return retry(message);
      case "dismiss":
        dismiss(message.id);
        return focusComposer();
      default: {
        const unknown: never = action;
        return unknown;
      }
    }
  };
  const time = new Date(message.sentAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return (
    // A long press (touch) or a right click opens the message's menu; on a link, the browser's own.
    // biome-ignore lint/a11y/noStaticElementInteractions: the same menu has its own button for keyboards
    <div
      className={`message ${mine ? "mine" : "theirs"} ${first ? "first" : "more"}`}
      onContextMenu={(event) => {
        if (event.target instanceof Element && event.target.closest("a")) return;
        event.preventDefault();
        setMenuOpen(true);
      }}
    >
      <span className={first && !mine ? "from" : "visually-hidden"}>{mine ? "You" : message.from}</span>
      <div className="bubble">
        <MessageText text={message.text} />
        <span className="meta">
          <time dateTime={new Date(message.sentAt).toISOString()}>{time}</time>
          {mine ? (
            message.state === "failed" ? (
              <span className="state failed">
                {state.text}
                {message.reason ? <span role="alert">: {message.reason}</span> : null}
              </span>
            ) : (
              <span className={`state ${message.state}`}>
                <span aria-hidden="true">{state.mark}</span>
                <span className="visually-hidden">{state.text}</span>
              </span>
            )
          ) : null}
        </span>
        {mine && message.state === "failed" ? (
          <button type="button" className="link" onClick={() => retry(message)}>
            Try again
          </button>
        ) : null}
      </div>
      <MenuButton
        className="message-actions"
        label={`Actions for “${message.text.slice(0, 30)}”`}
        actions={actions.map(([id, label]) => ({ id, label }))}
        onAction={(id) => run(id as Action)}
        open={menuOpen}
        onOpenChange={setMenuOpen}
      >
        <span aria-hidden="true">⋯</span>
      </MenuButton>
    </div>
  );
}

/** After a message leaves, the keyboard goes on from the composer, not from the top of the page. */
function focusComposer() {
  setTimeout(() => document.querySelector<HTMLTextAreaElement>(".composer textarea")?.focus(), 0);
}
