import { canonicalHandle, type DeliveryRules } from "@pim/protocol";
import { type FormEvent, useState } from "react";
import { RemoveButton } from "../../lib/RemoveButton.tsx";
import { useConfirmedSelect } from "../../lib/useConfirmedSelect.ts";
import { errorText } from "./errors.ts";
import { usePrivacy, useSaveDelivery } from "./usePrivacy.ts";

/** My DELIVERY RULES: who may write to me, what happens while I am signed out or busy. */
export function DeliveryRulesEditor() {
  const { data } = usePrivacy();
  const save = useSaveDelivery();
  const [handle, setHandle] = useState("");
  const update = (next: Partial<DeliveryRules>) => data && save.mutate({ ...data.delivery, ...next });
  const whoMayWrite = useConfirmedSelect<DeliveryRules["whoMayWrite"]>(
    data?.delivery.whoMayWrite ?? "anyone",
    (value) => update({ whoMayWrite: value }),
  );
  const whileClosed = useConfirmedSelect<DeliveryRules["whileClosed"]>(
    data?.delivery.whileClosed ?? "accept",
    (value) => update({ whileClosed: value }),
  );
  if (!data) return null;
  const rules = data.delivery;

  function addException(event: FormEvent) {
    event.preventDefault();
    const who = canonicalHandle(handle.trim());
    if (!who) return;
    save.mutate(
      { ...rules, alwaysThrough: [...rules.alwaysThrough, who] },
      { onSuccess: () => setHandle("") },
    );
  }

  return (
    <section aria-label="Who may write to you" className="card">
      <h3>Who may write to you</h3>
      <label>
        Messages from
        <select {...whoMayWrite}>
          <option value="anyone">Anyone</option>
          <option value="buddies">People on my buddy list</option>
          <option value="nobody">Nobody</option>
        </select>
      </label>
      <label>
        While I am signed out
        <select {...whileClosed}>
          <option value="accept">Keep messages for me</option>
          {/* Only people who may see my status can be told I am signed out; others' messages are kept. */}
          <option value="refuse">Refuse messages from people who may see my status (they are told)</option>
        </select>
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={rules.readReceipts}
          onChange={(e) => update({ readReceipts: e.target.checked })}
        />
        Let senders see when I have read their messages
      </label>
      <h4>While busy or do not disturb, these people still get through loudly</h4>
      <ul aria-label="Always get through">
        {rules.alwaysThrough.map((who) => (
          <li key={who}>
            <span>{who}</span>
            <RemoveButton
              className="quiet"
              onPress={() => update({ alwaysThrough: rules.alwaysThrough.filter((h) => h !== who) })}
            >
              Remove {who}
            </RemoveButton>
          </li>
        ))}
      </ul>
      <form onSubmit={addException} className="inline" aria-label="Add someone who always gets through">
        <label>
          Always gets through (handle)
          <input value={handle} autoComplete="off" onChange={(e) => setHandle(e.target.value)} />
        </label>
        <button type="submit">Add</button>
      </form>
      {save.error ? (
        <p role="alert" className="error">
          {errorText(save.error)}
        </p>
      ) : null}
    </section>
  );
}
