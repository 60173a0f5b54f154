import { HandleSchema } from "@pim/protocol";
import { type FormEvent, useState } from "react";
import { useFieldProblem } from "../../lib/useFieldProblem.ts";
import { openConversation } from "../shell/useSection.ts";

/** A new-message box: any handle. */
export function NewConversation() {
  const [handle, setHandle] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const tie = useFieldProblem(problem);

  function submit(event: FormEvent) {
    event.preventDefault();
    const checked = HandleSchema.safeParse(handle.trim());
    if (!checked.success) {
      setProblem(checked.error.issues[0]?.message ?? "That is not a handle.");
      return;
    }
    setProblem(null);
    setHandle("");
    openConversation(checked.data);
  }

  return (
    <form onSubmit={submit} className="inline" aria-label="New message">
      <label>
        Message to (handle)
        <input
          {...tie.field}
          value={handle}
          onChange={(e) => {
            setHandle(e.target.value);
            setProblem(null);
          }}
          autoComplete="off"
        />
      </label>
      <button type="submit">New message</button>
      {problem ? <p {...tie.message}>{problem}</p> : null}
    </form>
  );
}
