import { Blocklist } from "./Blocklist.tsx";
import { DeliveryRulesEditor } from "./DeliveryRulesEditor.tsx";
import { RulesEditor } from "./RulesEditor.tsx";
import { SeeWhatTheySee } from "./SeeWhatTheySee.tsx";
import { VisibilityEditor } from "./VisibilityEditor.tsx";
import { WatcherInformation } from "./WatcherInformation.tsx";

/** Privacy: who watched me, who sees me and how much, whom I block, who may write to me, how my watching shows. */
export function PrivacySection() {
  return (
    <div className="privacy">
      <WatcherInformation />
      <RulesEditor />
      <SeeWhatTheySee />
      <Blocklist />
      <DeliveryRulesEditor />
      <VisibilityEditor />
    </div>
  );
}
