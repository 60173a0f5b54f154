import { useOpenConversation } from "../shell/useSection.ts";
import { ConversationList } from "./ConversationList.tsx";
import { ConversationView } from "./ConversationView.tsx";
import { NewConversation } from "./NewConversation.tsx";
import { NotificationsButton } from "./NotificationsButton.tsx";

/** The INBOX USER AGENT: conversations on one side, the open one beside them. */
export function MessagesSection() {
  const open = useOpenConversation();
  return (
    <div className="messages">
      <aside>
        <NewConversation />
        <ConversationList />
        <NotificationsButton />
      </aside>
      {open ? (
        <ConversationView key={open} peer={open} />
      ) : (
        <p className="empty">Choose a conversation, or start one with anyone by their handle.</p>
      )}
    </div>
  );
}
