import { describe, expect, it } from "vitest";
import { PIDF_NAMESPACE, toPidf } from "./pidf.ts";

describe("PIDF", () => {
  it.each([
    {
      case: "status only",
      view: { handle: "alice", status: "closed" as const },
      has: ["<basic>closed</basic>"],
      lacks: ["<note>", "<contact>", "<timestamp>"],
    },
    {
      case: "full view",
      view: {
        handle: "alice",
        status: "open" as const,
        note: "in a meeting",
        contact: "im:alice",
        lastSeen: 0,
      },
      has: [
        "<basic>open</basic>",
        "<contact>im:alice</contact>",
        "<note>in a meeting</note>",
        "<timestamp>1970-01-01T00:00:00.000Z</timestamp>",
      ],
      lacks: [],
    },
    {
      case: "markup in a note is escaped",
      view: { handle: "alice", status: "open" as const, note: `<script>&"'` },
      has: ["<note>&lt;script&gt;&amp;&quot;&apos;</note>"],
      lacks: ["<script>"],
    },
    {
      case: "characters XML cannot hold are dropped, so the document stays well-formed",
      view: { handle: "alice", status: "open" as const, note: "lunch\u0001\u0000 \uFFFE\uD800 ok 🍜\u0007" },
      has: ["<note>lunch  ok 🍜</note>"],
      lacks: ["\u0000", "\u0001", "\u0007", "\uFFFE", "\uD800"],
    },
  ])("$case", ({ view, has, lacks }) => {
    const xml = toPidf(view);
    expect(xml).toContain(`<presence xmlns="${PIDF_NAMESPACE}" entity="pres:alice">`);
    for (const part of has) expect(xml).toContain(part);
    for (const part of lacks) expect(xml).not.toContain(part);
  });
});
