import { Blocklist } from "./Blocklist.tsx";
import { RulesEditor } from "./RulesEditor.tsx";
import { SeeWhatTheySee } from "./SeeWhatTheySee.tsx";
import { VisibilityEditor } from "./VisibilityEditor.tsx";
import { WatcherInformation } from "./WatcherInformation.tsx";

/** Privacy: my access rules, who watched me, whom I block, and how my own watching shows. */
export function PrivacySection() {
  return (
    <div className="privacy">
      <WatcherInformation />
      <RulesEditor />
      <SeeWhatTheySee />
      <Blocklist />
      <VisibilityEditor />
    </div>
  );
}
