import {
  type AccessAction,
  AccessActionSchema,
  type AccessRule,
  type AccessRules,
  canonicalHandle,
  type ShowLevel,
  ShowLevelSchema,
} from "@pim/protocol";
import { type FormEvent, useState } from "react";
import { errorText } from "./errors.ts";
import { ACTION_LABELS, SHOW_LABELS } from "./labels.ts";
import { usePrivacy, useSaveRules } from "./usePrivacy.ts";

/** The ACCESS RULES editor: a default, rules per person and per group, anonymous watchers. */
export function RulesEditor() {
  const { data } = usePrivacy();
  const save = useSaveRules();
  if (!data) return <p>Loading your rules…</p>;
  // A fresh draft whenever the stored rules change (saved here, in another tab, or by a block).
  return <RulesForm key={JSON.stringify(data.rules)} stored={data.rules} save={save} />;
}

function RulesForm({ stored, save }: { stored: AccessRules; save: ReturnType<typeof useSaveRules> }) {
  const [rules, setRules] = useState(stored);
  const [person, setPerson] = useState("");
  const [groupName, setGroupName] = useState("");
  const changed = JSON.stringify(rules) !== JSON.stringify(stored);

  function addPerson(event: FormEvent) {
    event.preventDefault();
    const handle = canonicalHandle(person.trim());
    if (!handle) return;
    setRules({ ...rules, people: { ...rules.people, [handle]: { action: "allow", show: "lastSeen" } } });
    setPerson("");
  }

  function addGroup(event: FormEvent) {
    event.preventDefault();
    const name = groupName.trim();
    if (!name) return;
    setRules({
      ...rules,
      groups: [...rules.groups, { name, members: [], rule: { action: "allow", show: "lastSeen" } }],
    });
    setGroupName("");
  }

  return (
    <section aria-label="Access rules" className="card">
      <h3>Who sees your presence</h3>
      <fieldset>
        <legend>Everyone else</legend>
        <RulePicker
          label="Default"
          rule={rules.default}
          onChange={(rule) => setRules({ ...rules, default: rule })}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={rules.refuseAnonymous}
            onChange={(e) => setRules({ ...rules, refuseAnonymous: e.target.checked })}
          />
          Refuse anonymous watchers
        </label>
      </fieldset>

      <table aria-label="Rules for people">
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Rule</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {Object.entries(rules.people).map(([handle, rule]) => (
            <tr key={handle} aria-label={handle}>
              <td>{handle}</td>
              <td>
                <RulePicker
                  label={`Rule for ${handle}`}
                  rule={rule}
                  onChange={(next) => setRules({ ...rules, people: { ...rules.people, [handle]: next } })}
                />
              </td>
              <td>
                <button
                  type="button"
                  className="quiet"
                  onClick={() => {
                    const { [handle]: _removed, ...rest } = rules.people;
                    setRules({ ...rules, people: rest });
                  }}
                >
                  Remove rule for {handle}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={addPerson} className="inline" aria-label="Add a rule for a person">
        <input aria-label="Person's handle" value={person} onChange={(e) => setPerson(e.target.value)} />
        <button type="submit">Add rule</button>
      </form>

      <h4>Groups</h4>
      {rules.groups.map((group, index) => (
        <fieldset key={group.name} aria-label={`Group ${group.name}`}>
          <legend>{group.name}</legend>
          <label>
            Members of {group.name} (handles, comma-separated)
            <input
              defaultValue={group.members.join(", ")}
              onBlur={(e) => {
                const members = e.target.value
                  .split(",")
                  .map((m) => canonicalHandle(m.trim()))
                  .filter(Boolean);
                const groups = rules.groups.map((g, i) => (i === index ? { ...g, members } : g));
                setRules({ ...rules, groups });
              }}
            />
          </label>
          <RulePicker
            label={`Rule for group ${group.name}`}
            rule={group.rule}
            onChange={(rule) =>
              setRules({ ...rules, groups: rules.groups.map((g, i) => (i === index ? { ...g, rule } : g)) })
            }
          />
          <button
            type="button"
            className="quiet"
            onClick={() => setRules({ ...rules, groups: rules.groups.filter((_, i) => i !== index) })}
          >
            Remove group {group.name}
          </button>
        </fieldset>
      ))}
      <form onSubmit={addGroup} className="inline" aria-label="Add a group">
        <input aria-label="Group name" value={groupName} onChange={(e) => setGroupName(e.target.value)} />
        <button type="submit">Add group</button>
      </form>

      <div className="actions">
        <button type="button" disabled={!changed || save.isPending} onClick={() => save.mutate(rules)}>
          Save rules
        </button>
        {changed ? (
          <button type="button" className="quiet" onClick={() => setRules(stored)}>
            Discard changes
          </button>
        ) : null}
        {save.isSuccess && !changed ? <span role="status">Saved.</span> : null}
      </div>
      {save.error ? (
        <p role="alert" className="error">
          {errorText(save.error)}
        </p>
      ) : null}
    </section>
  );
}

/** An action and a transformation, as two labelled selects. */
function RulePicker({
  label,
  rule,
  onChange,
}: {
  label: string;
  rule: AccessRule;
  onChange: (rule: AccessRule) => void;
}) {
  return (
    <span className="rule-picker">
      <select
        aria-label={`${label}: action`}
        value={rule.action}
        onChange={(e) => onChange({ ...rule, action: e.target.value as AccessAction })}
      >
        {AccessActionSchema.options.map((action) => (
          <option key={action} value={action}>
            {ACTION_LABELS[action]}
          </option>
        ))}
      </select>
      <select
        aria-label={`${label}: shows`}
        value={rule.show}
        disabled={rule.action === "block"}
        onChange={(e) => onChange({ ...rule, show: e.target.value as ShowLevel })}
      >
        {ShowLevelSchema.options.map((show) => (
          <option key={show} value={show}>
            {SHOW_LABELS[show]}
          </option>
        ))}
      </select>
    </span>
  );
}
