import { RemoveButton } from "../../lib/RemoveButton.tsx";

/** Approve or deny a request to watch my presence; the answered row leaves, the keyboard stays. */
export function AnswerButtons({
  name,
  onAnswer,
}: {
  /** Who asks, as the buttons name them ("Approve bob"). */
  name: string;
  onAnswer: (decision: "approve" | "deny") => void;
}) {
  return (
    <>
      <RemoveButton onPress={() => onAnswer("approve")}>Approve {name}</RemoveButton>
      <RemoveButton className="quiet" onPress={() => onAnswer("deny")}>
        Deny {name}
      </RemoveButton>
    </>
  );
}
