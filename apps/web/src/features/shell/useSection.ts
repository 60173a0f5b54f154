import { useEffect, useState } from "react";

export const SECTIONS = ["buddies", "messages", "privacy"] as const;
export type Section = (typeof SECTIONS)[number];

function fromHash(): Section {
  const name = window.location.hash.replace(/^#\/?/, "");
  return (SECTIONS as readonly string[]).includes(name) ? (name as Section) : "buddies";
}

/** The section shown, kept in the URL's hash so reload and back work. */
export function useSection(): [Section, (section: Section) => void] {
  const [section, setSection] = useState(fromHash);
  useEffect(() => {
    const onHash = () => setSection(fromHash());
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  return [section, (next) => (window.location.hash = `#/${next}`)];
}
