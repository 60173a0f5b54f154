import {
  type AccessAction,
  AccessActionSchema,
  type AccessRule,
  type AccessRules,
  type GroupRule,
  type ShowLevel,
  ShowLevelSchema,
} from "@pim/protocol";
import { type FormEvent, useState } from "react";
import { RemoveButton } from "../../lib/RemoveButton.tsx";
import { useFieldProblem } from "../../lib/useFieldProblem.ts";
import { errorText } from "./errors.ts";
import { checkHandle, checkHandleList } from "./handle-check.ts";
import { ACTION_LABELS, SHOW_LABELS } from "./labels.ts";
import { usePrivacy, useSaveRules } from "./usePrivacy.ts";

/** The ACCESS RULES editor: a default, rules per person and per group, anonymous watchers. */
export function RulesEditor() {
  const { data } = usePrivacy();
  const save = useSaveRules();
  const [discards, setDiscards] = useState(0);
  if (!data) return <p>Loading your rules…</p>;
  // A fresh draft, every field and problem with it, whenever the stored rules change (saved here,
  // in another tab, or by a block) or the draft is discarded.
  return (
    <RulesForm
      key={`${discards}:${JSON.stringify(data.rules)}`}
      stored={data.rules}
      save={save}
      onDiscard={() => {
        save.reset();
        setDiscards((n) => n + 1);
      }}
    />
  );
}

function RulesForm({
  stored,
  save,
  onDiscard,
}: {
  stored: AccessRules;
  save: ReturnType<typeof useSaveRules>;
  onDiscard: () => void;
}) {
  const [rules, setRules] = useState(stored);
  const [person, setPerson] = useState("");
  const [personProblem, setPersonProblem] = useState<string | null>(null);
  const [groupName, setGroupName] = useState("");
  const [groupProblem, setGroupProblem] = useState<string | null>(null);
  // The members boxes as typed, by group name (a Map: the name is the user's text); the draft
  // rules hold the handles parsed from them.
  const [memberTexts, setMemberTexts] = useState<ReadonlyMap<string, string>>(() => new Map());
  const memberText = (group: GroupRule) => memberTexts.get(group.name) ?? group.members.join(", ");
  const memberProblem = (group: GroupRule) => checkHandleList(memberText(group)).problem;
  const invalid = rules.groups.some((g) => memberProblem(g) !== null);
  // A members box holding only a mistake changes no rule, but is still something to discard.
  const changed = invalid || JSON.stringify(rules) !== JSON.stringify(stored);
  const canSave = changed && !save.isPending && !invalid;
  const personTie = useFieldProblem(personProblem);
  const groupTie = useFieldProblem(groupProblem);

  function addPerson(event: FormEvent) {
    event.preventDefault();
    if (!person.trim()) return;
    const check = checkHandle(person);
    setPersonProblem(check.ok ? null : check.problem);
    if (!check.ok) return;
    setRules({
      ...rules,
      people: { ...rules.people, [check.handle]: { action: "allow", show: "lastSeen" } },
    });
    setPerson("");
  }

  function addGroup(event: FormEvent) {
    event.preventDefault();
    const name = groupName.trim();
    if (!name) return;
    // Groups are told apart by name, in this form and in "see what someone sees".
    const taken = rules.groups.some((g) => g.name === name);
    setGroupProblem(taken ? `You already have a group called “${name}”.` : null);
    if (taken) return;
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
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
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
                <RemoveButton
                  className="quiet"
                  onPress={() => {
                    const { [handle]: _removed, ...rest } = rules.people;
                    setRules({ ...rules, people: rest });
                  }}
                >
                  Remove rule for {handle}
                </RemoveButton>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={addPerson} className="inline" aria-label="Add a rule for a person">
        <label>
          Person's handle
          <input
            {...personTie.field}
            value={person}
            autoComplete="off"
            onChange={(e) => setPerson(e.target.value)}
          />
        </label>
        <button type="submit">Add rule</button>
        {personProblem ? <p {...personTie.message}>{personProblem}</p> : null}
      </form>

      <h4>Groups</h4>
      {rules.groups.map((group, index) => (
        <fieldset key={group.name} aria-label={`Group ${group.name}`} data-row>
          <legend>{group.name}</legend>
          <MembersInput
            group={group.name}
            text={memberText(group)}
            problem={memberProblem(group)}
            onChange={(text) => {
              setMemberTexts(new Map(memberTexts).set(group.name, text));
              const members = checkHandleList(text).handles;
              setRules({
                ...rules,
                groups: rules.groups.map((g, i) => (i === index ? { ...g, members } : g)),
              });
            }}
          />
          <RulePicker
            label={`Rule for group ${group.name}`}
            rule={group.rule}
            onChange={(rule) =>
              setRules({ ...rules, groups: rules.groups.map((g, i) => (i === index ? { ...g, rule } : g)) })
            }
          />
          <RemoveButton
            className="quiet"
            onPress={() => {
              const texts = new Map(memberTexts);
              texts.delete(group.name);
              setMemberTexts(texts);
              setRules({ ...rules, groups: rules.groups.filter((_, i) => i !== index) });
            }}
          >
            Remove group {group.name}
          </RemoveButton>
        </fieldset>
      ))}
      <form onSubmit={addGroup} className="inline" aria-label="Add a group">
        <label>
          Group name
          <input
            {...groupTie.field}
            value={groupName}
            autoComplete="off"
            onChange={(e) => setGroupName(e.target.value)}
          />
        </label>
        <button type="submit">Add group</button>
        {groupProblem ? <p {...groupTie.message}>{groupProblem}</p> : null}
      </form>

      <div className="actions">
        <RemoveButton
          // Not disabled: saving draws the form afresh, and the keyboard's place stays on this button.
          aria-disabled={!canSave}
          onPress={() => save.mutate(rules)}
        >
          Save rules
        </RemoveButton>
        {changed ? (
          <button type="button" className="quiet" onClick={onDiscard}>
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

/** A group's members as typed, with what is wrong with them said beside the box. */
function MembersInput({
  group,
  text,
  problem,
  onChange,
}: {
  group: string;
  text: string;
  problem: string | null;
  onChange: (text: string) => void;
}) {
  const tie = useFieldProblem(problem);
  return (
    <>
      <label>
        Members of {group} (handles, comma-separated)
        <input {...tie.field} value={text} autoComplete="off" onChange={(e) => onChange(e.target.value)} />
      </label>
      {problem ? <p {...tie.message}>{problem}</p> : null}
    </>
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
