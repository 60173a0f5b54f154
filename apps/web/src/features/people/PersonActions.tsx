import { useNavigate } from "@tanstack/react-router";
import { useAddBuddy, useBuddies, useRemoveBuddy } from "../buddies/useBuddies.ts";
import { useConversations, useDeleteConversation } from "../messages/useMessages.ts";
import { MenuButton } from "../overlays/lazy-overlays.tsx";
import { useBlock, usePrivacy, useUnblock } from "../privacy/usePrivacy.ts";

type Action = "details" | "chat" | "add" | "remove" | "block" | "unblock" | "delete-conversation";

/** Everything one can do about a person, in one menu (the header's "More actions"). */
export function PersonActions({ peer, where }: { peer: string; where: "chat" | "person" }) {
  const navigate = useNavigate();
  const buddy = useBuddies().data?.find((b) => b.handle === peer);
  const conversation = useConversations().data?.find((c) => c.with === peer);
  const blocked = usePrivacy().data?.blocked.includes(peer) ?? false;
  const add = useAddBuddy();
  const remove = useRemoveBuddy();
  const blockPerson = useBlock();
  const unblockPerson = useUnblock();
  const deleteConversation = useDeleteConversation();
  const items: [Action, string][] = [
    where === "chat" ? ["details", "Details and privacy"] : ["chat", "Open the conversation"],
    buddy ? ["remove", "Remove from buddies"] : ["add", "Add as a buddy"],
    blocked ? ["unblock", `Unblock ${peer}`] : ["block", `Block ${peer}`],
  ];
  if (conversation) items.push(["delete-conversation", "Delete conversation"]);
  const run = (action: Action) => {
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
  const error =
    add.error ?? remove.error ?? blockPerson.error ?? unblockPerson.error ?? deleteConversation.error;
  return (
    <>
      <MenuButton
        className="icon-button"
        label={`More actions for ${peer}`}
        actions={items.map(([id, label]) => ({ id, label, danger: id === "block" }))}
        onAction={(id) => run(id as Action)}
      >
        <span aria-hidden="true">⋯</span>
      </MenuButton>
      {error ? (
        <p role="alert" className="error">
          {error.message}
        </p>
      ) : null}
    </>
  );
}
