import { ApiError } from "../../lib/api.ts";
import { RemoveButton } from "../../lib/RemoveButton.tsx";
import { AnswerButtons } from "./AnswerButtons.tsx";
import { useAddBuddy, useAnswerSubscriber, useBuddies, useSubscribers } from "./useBuddies.ts";

/** Requests to watch my presence, answered here; after approving, an offer to watch back. */
export function WatchRequests() {
  const { data: subscribers = [] } = useSubscribers();
  const { data: buddies = [] } = useBuddies();
  const answer = useAnswerSubscriber();
  const add = useAddBuddy();
  const pending = subscribers.filter((s) => s.state === "pending");
  const onMyList = new Set(buddies.map((b) => b.handle));
  const approvedNotWatched = subscribers.filter(
    (s) => s.state === "active" && !s.anonymous && !onMyList.has(s.handle),
  );
  if (pending.length === 0 && approvedNotWatched.length === 0) return null;

  return (
    <section aria-label="Requests to watch you" className="requests">
      <h3>Requests to watch you</h3>
      <ul>
        {pending.map((s) => {
          const name = s.anonymous ? "Anonymous watcher" : s.handle;
          return (
            <li key={s.handle}>
              <span>
                <strong>{name}</strong> wants to see your presence.
              </span>
              <AnswerButtons
                name={name}
                onAnswer={(decision) => answer.mutate({ watcher: s.handle, decision })}
              />
            </li>
          );
        })}
        {approvedNotWatched.map((s) => (
          <li key={s.handle}>
            <span>
              <strong>{s.handle}</strong> can see your presence. Watch theirs too?
            </span>
            <RemoveButton onPress={() => add.mutate(s.handle)} disabled={add.isPending}>
              Add {s.handle} back
            </RemoveButton>
          </li>
        ))}
      </ul>
      {answer.error || add.error ? (
        <p role="alert" className="error">
          {[answer.error, add.error].find((e) => e instanceof ApiError)?.message ??
            "That did not work. Try again."}
        </p>
      ) : null}
    </section>
  );
}
