import { MenuButton } from "../overlays/lazy-overlays.tsx";
import { usePersonActions } from "./usePersonActions.ts";

/** Everything one can do about a person, in one menu (the header's "More actions"). */
export function PersonActions({ peer, where }: { peer: string; where: "chat" | "person" }) {
  const { actions, run, error } = usePersonActions(peer, where);
  return (
    <>
      <MenuButton className="icon-button" label={`More actions for ${peer}`} actions={actions} onAction={run}>
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
