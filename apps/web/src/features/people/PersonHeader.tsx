import { Link } from "@tanstack/react-router";
import { useNow } from "../../lib/useNow.ts";
import { useBuddies } from "../buddies/useBuddies.ts";
import { DialogButton } from "../overlays/lazy-overlays.tsx";
import { PrivacyInContext } from "../privacy/PrivacyInContext.tsx";
import { BackToList } from "../shell/PaneHeading.tsx";
import { Avatar } from "./Avatar.tsx";
import { PersonActions } from "./PersonActions.tsx";
import { buddyStateLabel, buddyTone, lastSeenLabel } from "./person-labels.ts";

/**
 * The top of a conversation or a person's page: who, their presence, note and last seen as I
 * may see them, what they see of me, and what I can do.
 */
export function PersonHeader({
  peer,
  where,
  headingId,
}: {
  peer: string;
  where: "chat" | "person";
  headingId: string;
}) {
  const buddy = useBuddies().data?.find((b) => b.handle === peer);
  const now = useNow(30_000);
  const seen = lastSeenLabel(buddy, now);
  const note = buddy?.view?.note;
  return (
    <header className="person-header">
      <BackToList />
      <Avatar handle={peer} tone={buddyTone(buddy) ?? undefined} />
      <div className="person-header-text">
        <h2 id={headingId} tabIndex={-1}>
          {where === "chat" ? (
            <Link to="/people/$peer" params={{ peer }} className="plain">
              {peer}
            </Link>
          ) : (
            peer
          )}
        </h2>
        <p className="presence-line">
          <span>{buddy ? buddyStateLabel(buddy) : "Not on your buddy list"}</span>
          {note ? <span className="note"> · “{note}”</span> : null}
          {seen ? <span> · {seen}</span> : null}
        </p>
      </div>
      <div className="header-actions">
        {where === "chat" ? (
          <DialogButton
            className="button quiet"
            dialogLabel={`Privacy for ${peer}`}
            popoverClass="privacy-popover"
            placement="bottom end"
            content={() => <PrivacyInContext peer={peer} />}
          >
            What {peer} sees
          </DialogButton>
        ) : (
          <Link to="/chat/$peer" params={{ peer }} className="button">
            Message
          </Link>
        )}
        <PersonActions peer={peer} where={where} />
      </div>
    </header>
  );
}
