import type { AccessRule, PrivacySettings, ShowLevel } from "@pim/protocol";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useHandle } from "../session/useSession.ts";
import { block, previewQueryOptions, privacyQueryOptions, saveRules, unblock } from "./queries.ts";
import { usePrivacy } from "./usePrivacy.ts";

/**
 * What one person may see of me, as one choice: my default rule, allow with a level, ask me,
 * appear offline, or block. A choice is stored as my access rules' rule for that person, or as
 * the blocklist, through the same routes the settings pages use.
 */
export type PersonAccess = "default" | `allow:${ShowLevel}` | "confirm" | "polite-block" | "block";

/** The choice my settings make for this person now. */
export function personAccess(settings: PrivacySettings, peer: string): PersonAccess {
  if (settings.blocked.includes(peer)) return "block";
  const rule = new Map(Object.entries(settings.rules.people)).get(peer);
  if (!rule) return "default";
  if (rule.action === "allow") return `allow:${rule.show}`;
  return rule.action;
}

/** My rules with this person's rule set to `rule`, or removed (null). */
export function withPersonRule(settings: PrivacySettings, peer: string, rule: AccessRule | null) {
  const people = new Map(Object.entries(settings.rules.people));
  if (rule) people.set(peer, rule);
  else people.delete(peer);
  return { ...settings.rules, people: Object.fromEntries(people) };
}

function ruleFor(choice: PersonAccess, previous: AccessRule | undefined): AccessRule | null {
  if (choice === "default" || choice === "block") return null;
  if (choice.startsWith("allow:"))
    return { action: "allow", show: choice.slice("allow:".length) as ShowLevel };
  return { action: choice as AccessRule["action"], show: previous?.show ?? "lastSeen" };
}

export function usePersonAccess(peer: string) {
  const handle = useHandle();
  const queryClient = useQueryClient();
  const privacy = usePrivacy();
  const change = useMutation({
    mutationFn: async (choice: PersonAccess) => {
      let settings = privacy.data ?? (await queryClient.fetchQuery(privacyQueryOptions(handle)));
      const previous = new Map(Object.entries(settings.rules.people)).get(peer);
      if (choice === "block") return settings.blocked.includes(peer) ? settings : block(handle, peer);
      if (settings.blocked.includes(peer)) settings = await unblock(handle, peer);
      return saveRules(handle, withPersonRule(settings, peer, ruleFor(choice, previous)));
    },
    onSuccess: (settings) => {
      queryClient.setQueryData(privacyQueryOptions(handle).queryKey, settings);
      void queryClient.invalidateQueries({ queryKey: previewQueryOptions(handle, peer).queryKey });
    },
  });
  return { current: privacy.data ? personAccess(privacy.data, peer) : null, change };
}
