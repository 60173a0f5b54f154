import { HandleSchema } from "@pim/protocol";
import { type FormEvent, useState } from "react";
import { ApiError } from "../../lib/api.ts";
import { useFieldProblem } from "../../lib/useFieldProblem.ts";
import { useAddBuddy, useBuddies } from "./useBuddies.ts";

/** Add a buddy by handle: a subscription request goes to their room. */
export function AddBuddy() {
  const [handle, setHandle] = useState("");
  const [invalid, setInvalid] = useState<string | null>(null);
  const add = useAddBuddy();
  const buddies = useBuddies();
  // "Request sent" only while it waits: once answered, the buddy list says the rest.
  const waiting =
    add.isSuccess && buddies.data?.some((b) => b.handle === add.data.handle && b.state === "pending");

  function submit(event: FormEvent) {
    event.preventDefault();
    const check = HandleSchema.safeParse(handle.trim());
    setInvalid(check.success ? null : (check.error.issues[0]?.message ?? "That is not a handle."));
    if (check.success && !add.isPending) add.mutate(check.data, { onSuccess: () => setHandle("") });
  }

  const error =
    invalid ??
    (add.error instanceof ApiError ? add.error.message : add.error ? "Could not add that buddy." : null);
  const tie = useFieldProblem(error);
  return (
    <form onSubmit={submit} className="inline-form" aria-label="Add a buddy">
      <label>
        Buddy's handle
        <input {...tie.field} value={handle} onChange={(e) => setHandle(e.target.value)} autoComplete="off" />
      </label>
      {/* Not disabled while it works: a disabled button drops the keyboard's focus. */}
      <button type="submit" aria-disabled={add.isPending}>
        Add buddy
      </button>
      {error ? (
        <p {...tie.message}>{error}</p>
      ) : waiting ? (
        <p role="status">Request sent to {add.data?.handle}.</p>
      ) : null}
    </form>
  );
}
