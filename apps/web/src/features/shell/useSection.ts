import { useEffect, useState } from "react";

export const SECTIONS = ["buddies", "messages", "privacy"] as const;
export type Section = (typeof SECTIONS)[number];

/** Where the app is: a section, and in Messages an open conversation (`#/messages/<handle>`). */
export type Place = { section: Section; conversation: string | null };

function fromHash(): Place {
  const [name = "", peer] = window.location.hash.replace(/^#\/?/, "").split("/");
  const section = (SECTIONS as readonly string[]).includes(name) ? (name as Section) : "buddies";
  return {
    section,
    conversation: section === "messages" && peer ? decodeURIComponent(peer).toLowerCase() : null,
  };
}

function usePlace(): Place {
  const [place, setPlace] = useState(fromHash);
  useEffect(() => {
    const onHash = () => setPlace(fromHash());
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  return place;
}

/** The section shown, kept in the URL's hash so reload and back work. */
export function useSection(): [Section, (section: Section) => void] {
  const { section } = usePlace();
  return [section, (next) => (window.location.hash = `#/${next}`)];
}

/** The open conversation, if any. */
export function useOpenConversation(): string | null {
  return usePlace().conversation;
}

export function openConversation(peer: string): void {
  window.location.hash = `#/messages/${encodeURIComponent(peer.toLowerCase())}`;
}
