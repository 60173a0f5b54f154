/** http and https links only; everything else, markup included, is text. */
const LINK = /(https?:\/\/[^\s<>"']+)/g;

function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** A message's text, rendered strictly as text: React escapes it; only web links become links. */
export function MessageText({ text }: { text: string }) {
  const parts = text.split(LINK);
  return (
    <span className="message-text">
      {parts.map((part, i) => {
        // split() with a capture group puts the links at odd positions.
        const href = i % 2 === 1 ? safeHref(part) : null;
        return href ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text never reorder
          <a key={i} href={href} target="_blank" rel="noopener noreferrer nofollow">
            {part}
          </a>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text never reorder
          <span key={i}>{part}</span>
        );
      })}
    </span>
  );
}
