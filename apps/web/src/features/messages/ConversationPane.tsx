import { useId } from "react";
import { PersonHeader } from "../people/PersonHeader.tsx";
import { InvalidPlace } from "../shell/InvalidPlace.tsx";
import { usePlace } from "../shell/usePlace.ts";
import { Composer } from "./Composer.tsx";
import { Timeline } from "./Timeline.tsx";
import { usePeerTyping } from "./typing.ts";
import { useDeliverable } from "./useMessages.ts";

/** /chat/<handle>: the open conversation: who, the timeline, and the composer. */
export function ConversationRoute() {
  const place = usePlace();
  if (place.kind !== "chat") return <InvalidPlace />;
  return <ConversationPane key={place.peer} peer={place.peer} />;
}

function ConversationPane({ peer }: { peer: string }) {
  const headingId = useId();
  const deliverable = useDeliverable(peer);
  const typing = usePeerTyping(peer);
  return (
    <section aria-label={`Conversation with ${peer}`} className="conversation">
      <PersonHeader peer={peer} where="chat" headingId={headingId} />
      {deliverable.data && !deliverable.data.accepting ? (
        <p role="status" className="notice">
          {deliverable.data.message}
        </p>
      ) : null}
      {deliverable.error ? (
        <p role="alert" className="error notice">
          {deliverable.error.message}
        </p>
      ) : null}
      <Timeline peer={peer} />
      {typing ? (
        <p role="status" className="typing">
          {peer} is typing…
        </p>
      ) : (
        <p className="typing" />
      )}
      {/* One composer per conversation: a draft never moves to another one. */}
      <Composer key={peer} peer={peer} />
    </section>
  );
}
