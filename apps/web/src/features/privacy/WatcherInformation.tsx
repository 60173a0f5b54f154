import type { WatcherInfo, WatcherKind } from "@pim/protocol";
import { useState } from "react";
import { timeAgo } from "../../lib/time.ts";
import { useNow } from "../../lib/useNow.ts";
import { AnswerButtons } from "../buddies/AnswerButtons.tsx";
import { useAnswerSubscriber } from "../buddies/useBuddies.ts";
import { errorText } from "./errors.ts";
import { KIND_LABELS, watcherStateLabel } from "./labels.ts";
import { useBlock, usePrivacy, useSaveRules, useWatchers } from "./usePrivacy.ts";

type Filter = WatcherKind | "all";

/** WATCHER INFORMATION: who watched me in the last 30 days, how and how often; live. */
export function WatcherInformation() {
  const { data: watchers, error } = useWatchers();
  const [filter, setFilter] = useState<Filter>("all");
  const now = useNow(30_000);
  const shown = (watchers ?? []).filter((w) => filter === "all" || w.kind === filter);
  return (
    <section aria-label="Watcher information" className="card">
      <h3>Who has been watching you</h3>
      <label>
        Kind of watcher
        <select value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
          <option value="all">Everyone</option>
          <option value="subscriber">Subscribers</option>
          <option value="fetcher">Fetchers</option>
          <option value="poller">Pollers</option>
        </select>
      </label>
      {error ? (
        <p role="alert" className="error">
          {errorText(error)}
        </p>
      ) : null}
      {watchers && shown.length === 0 ? <p className="empty">No one in the last 30 days.</p> : null}
      {shown.length > 0 ? (
        <table aria-label="Watchers">
          <thead>
            <tr>
              <th scope="col">Watcher</th>
              <th scope="col">How</th>
              <th scope="col">State</th>
              <th scope="col">Last hour / day / 30 days</th>
              <th scope="col">First and last time</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((watcher) => (
              <WatcherRow key={watcher.id} watcher={watcher} now={now} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function WatcherRow({ watcher, now }: { watcher: WatcherInfo; now: number }) {
  const name = watcher.handle ?? "Anonymous watcher";
  const answer = useAnswerSubscriber();
  const blockPerson = useBlock();
  const saveRules = useSaveRules();
  const { data: privacy } = usePrivacy();
  const error = answer.error ?? blockPerson.error ?? saveRules.error;
  return (
    <tr aria-label={name} className={watcher.flagged ? "flagged" : undefined}>
      <td className="watcher-name">
        {name}
        {watcher.flagged ? <strong className="badge"> Possible stalker</strong> : null}
      </td>
      {/* data-label names the column when a narrow screen stacks the cells (styles.css). */}
      <td data-label="How">{KIND_LABELS[watcher.kind]}</td>
      <td data-label="State">{watcherStateLabel(watcher)}</td>
      <td data-label="Last hour / day / 30 days">
        {watcher.counts.hour} / {watcher.counts.day} / {watcher.counts.month}
      </td>
      <td data-label="First and last time">
        {timeAgo(watcher.firstAt, now)}, {timeAgo(watcher.lastAt, now)}
      </td>
      <td>
        <div className="actions">
          {watcher.state === "pending" ? (
            <AnswerButtons
              name={name}
              onAnswer={(decision) => answer.mutate({ watcher: watcher.id, decision })}
            />
          ) : null}
          {watcher.handle ? (
            privacy?.blocked.includes(watcher.handle) ? (
              <span>Blocked</span>
            ) : (
              <button type="button" className="danger" onClick={() => blockPerson.mutate(watcher.id)}>
                Block {name}
              </button>
            )
          ) : privacy && !privacy.rules.refuseAnonymous ? (
            <button
              type="button"
              className="danger"
              onClick={() => saveRules.mutate({ ...privacy.rules, refuseAnonymous: true })}
            >
              Refuse anonymous watchers
            </button>
          ) : null}
          {error ? (
            <span role="alert" className="error">
              {errorText(error)}
            </span>
          ) : null}
        </div>
      </td>
    </tr>
  );
}
