import { useNavigate } from "@tanstack/react-router";
import { useAddBuddy, useBuddies, useRemoveBuddy } from "../buddies/useBuddies.ts";
import { useConversations, useDeleteConversation } from "../messages/useMessages.ts";
import type { MenuAction } from "../overlays/Overlays.tsx";
import { useBlock, usePrivacy, useUnblock } from "../privacy/usePrivacy.ts";

type Action = "details" | "chat" | "add" | "remove" | "block" | "unblock" | "delete-conversation";

/** Where the menu is opened: a conversation's header, a person's page, or their row in the list. */
export type ActionsPlace = "chat" | "person" | "list";

/**
 * Everything one can do about a person, as menu items and the one function that runs them:
 * the same menu in a header ("More actions") and on a long press or right click in the list.
 */
export function usePersonActions(
  peer: string,
  where: ActionsPlace,
): { actions: MenuAction[]; run: (id: string) => void; error: Error | null } {
  const navigate = useNavigate();
  const buddy = useBuddies().data?.find((b) => b.handle === peer);
  const conversation = useConversations().data?.find((c) => c.with === peer);
  const blocked = usePrivacy().data?.blocked.includes(peer) ?? false;
  const add = useAddBuddy();
  const remove = useRemoveBuddy();
  const blockPerson = useBlock();
  const unblockPerson = useUnblock();
  const deleteConversation = useDeleteConversation();
  const items: [Action, string][] = [];
  if (where !== "chat") items.push(["chat", "Open the conversation"]);
  if (where !== "person") items.push(["details", "Details and privacy"]);
  items.push(
    buddy ? ["remove", "Remove from buddies"] : ["add", "Add as a buddy"],
    blocked ? ["unblock", `Unblock ${peer}`] : ["block", `Block ${peer}`],
  );
  if (conversation) items.push(["delete-conversation", "Delete conversation"]);
  const run = (id: string) => {
    const action = id as Action;
    switch (action) {
      case "details":
        return void navigate({ to: "/people/$peer", params: { peer } });
      case "chat":
        return void navigate({ to: "/chat/$peer", params: { peer } });
      case "add":
        return add.mutate(peer);
      case "remove":
        return remove.mutate(peer);
      case "block":
        return blockPerson.mutate(peer);
      case "unblock":
        return unblockPerson.mutate(peer);
      case "delete-conversation":
        return deleteConversation.mutate(peer);
      default: {
        const unknown: never = action;
        return unknown;
      }
    }
  };
  return {
    actions: items.map(([id, label]) => ({ id, label, danger: id === "block" })),
    run,
    error: add.error ?? remove.error ?? blockPerson.error ?? unblockPerson.error ?? deleteConversation.error,
  };
}
