import type { PresenceView } from "@pim/protocol";

/** The PIDF namespace (RFC 3863). */
export const PIDF_NAMESPACE = "urn:ietf:params:xml:ns:pidf";
export const PIDF_MEDIA_TYPE = "application/pidf+xml";

/** Characters XML 1.0 does not allow at all (most controls, U+FFFE/FFFF, lone surrogates). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function escapeXml(text: string): string {
  // Dropped, not escaped: no escape makes them legal, and one would break the whole document.
  return text
    .replace(NOT_XML, "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

/**
 * A presence view as a PIDF document (RFC 3863), so other presence systems can read it: one
 * tuple with the basic STATUS and the CONTACT ADDRESS, the note, and a timestamp (last seen).
 * Only what the view holds is written: a field the watcher may not see is not in the view.
 */
export function toPidf(view: PresenceView): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<presence xmlns="${PIDF_NAMESPACE}" entity="pres:${escapeXml(view.handle)}">`,
    '  <tuple id="im">',
    `    <status><basic>${view.status}</basic></status>`,
  ];
  if (view.contact) lines.push(`    <contact>${escapeXml(view.contact)}</contact>`);
  if (view.lastSeen !== undefined && view.lastSeen !== null) {
    lines.push(`    <timestamp>${new Date(view.lastSeen).toISOString()}</timestamp>`);
  }
  lines.push("  </tuple>");
  if (view.note) lines.push(`  <note>${escapeXml(view.note)}</note>`);
  lines.push("</presence>");
  return `${lines.join("\n")}\n`;
}
