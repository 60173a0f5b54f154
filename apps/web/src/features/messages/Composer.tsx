import { MessageTextSchema } from "@pim/protocol";
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";
import { useSendMessage, useTypingNotice } from "./useMessages.ts";

/** The composer: Enter sends, Shift+Enter starts a new line, an input method's Enter only confirms. */
export function Composer({ peer }: { peer: string }) {
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
        placeholder={`Message ${peer}`}
        value={text}
        rows={1}
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
