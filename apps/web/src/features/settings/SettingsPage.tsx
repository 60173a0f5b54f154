import { Link } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { Blocklist } from "../privacy/Blocklist.tsx";
import { DeliveryRulesEditor } from "../privacy/DeliveryRulesEditor.tsx";
import { RulesEditor } from "../privacy/RulesEditor.tsx";
import { SeeWhatTheySee } from "../privacy/SeeWhatTheySee.tsx";
import { VisibilityEditor } from "../privacy/VisibilityEditor.tsx";
import { WatcherInformation } from "../privacy/WatcherInformation.tsx";
import { PaneHeading } from "../shell/PaneHeading.tsx";
import { usePlace } from "../shell/usePlace.ts";

/** The settings pages, each at /settings/<id>; loaded only when one is opened. */
export const SETTINGS_PAGES: readonly { id: string; title: string; about: string; body: () => ReactNode }[] =
  [
    {
      id: "watchers",
      title: "Who watches you",
      about: "Everyone who subscribed or looked you up in the last 30 days.",
      body: () => <WatcherInformation />,
    },
    {
      id: "rules",
      title: "Who sees your presence",
      about: "Your default, and rules for people and groups.",
      body: () => <RulesEditor />,
    },
    {
      id: "preview",
      title: "See what someone sees",
      about: "Exactly what your room would send them now.",
      body: () => <SeeWhatTheySee />,
    },
    {
      id: "blocked",
      title: "Blocked people",
      about: "They can neither watch you nor write to you.",
      body: () => <Blocklist />,
    },
    {
      id: "messages",
      title: "Who may write to you",
      about: "Who may write, while signed out or busy, read receipts.",
      body: () => <DeliveryRulesEditor />,
    },
    {
      id: "watching",
      title: "How your watching shows",
      about: "Watch others anonymously, by default or per person.",
      body: () => <VisibilityEditor />,
    },
  ];

/** /settings: the list of pages; /settings/<id>: one page, with the list beside it on a wide screen. */
export function SettingsPage() {
  const place = usePlace();
  const id = place.kind === "settings" ? place.page : null;
  const page = SETTINGS_PAGES.find((p) => p.id === id);
  return (
    <div className={`settings ${page ? "has-page" : "index"}`}>
      <nav aria-label="Settings pages" className="settings-nav">
        <PaneHeading id="settings-title" focus={!page}>
          Settings
        </PaneHeading>
        <ul>
          {SETTINGS_PAGES.map((p) => (
            <li key={p.id}>
              <Link to="/settings/$page" params={{ page: p.id }} activeProps={{ "aria-current": "page" }}>
                <span className="title">{p.title}</span>
                <span className="hint">{p.about}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {page ? (
        <section className="settings-page" aria-labelledby="settings-page-title">
          <div className="pane-heading">
            <Link to="/settings" className="back" aria-label="Back to settings">
              <span aria-hidden="true">←</span>
            </Link>
            <SettingsTitle key={page.id}>{page.title}</SettingsTitle>
          </div>
          {page.body()}
        </section>
      ) : id ? (
        <p role="alert">There is no settings page “{id}”.</p>
      ) : null}
    </div>
  );
}

function SettingsTitle({ children }: { children: ReactNode }) {
  return (
    <h2
      id="settings-page-title"
      tabIndex={-1}
      ref={(el) => {
        if (el && !el.closest(".settings-page")?.contains(document.activeElement)) el.focus();
      }}
    >
      {children}
    </h2>
  );
}
