import { describe, expect, it } from "vitest";
import { dayLabel, layoutTimeline } from "./timeline.ts";

const DAY = 86_400_000;
const msg = (id: string, from: string, sentAt: number, seq?: number) => ({
  id,
  from,
  sentAt,
  ...(seq ? { seq } : {}),
});
const shape = (items: ReturnType<typeof layoutTimeline>) =>
  items.map((i) =>
    i.kind === "message"
      ? `${i.message.id}${i.first ? "*" : ""}`
      : i.kind === "day"
        ? `[${i.label}]`
        : "--new--",
  );

describe("layoutTimeline", () => {
  const dayOf = (at: number) => `d${Math.floor(at / DAY)}`;
  it("groups runs by sender and day, and marks the first message I have not read", () => {
    const items = layoutTimeline(
      [
        msg("a", "bob", 1000, 1),
        msg("b", "bob", 2000, 2),
        msg("c", "me", 3000, 3),
        msg("d", "bob", DAY + 10, 4),
        msg("e", "bob", DAY + 20, 5),
        msg("f", "bob", DAY + 20 + 6 * 60_000, 6),
      ],
      { me: "me", readUpTo: 4, dayLabel: dayOf },
    );
    expect(shape(items)).toEqual(["[d0]", "a*", "b", "c*", "[d1]", "d*", "--new--", "e*", "f*"]);
  });

  it("never marks my own or unsent messages as new", () => {
    const items = layoutTimeline([msg("x", "me", 1, 9), msg("y", "me", 2)], {
      me: "me",
      readUpTo: 0,
      dayLabel: dayOf,
    });
    expect(shape(items)).toEqual(["[d0]", "x*", "y"]);
  });
});

describe("dayLabel", () => {
  const now = new Date(2026, 5, 15, 12).getTime();
  it.each([
    { at: new Date(2026, 5, 15, 0, 5).getTime(), label: "Today" },
    { at: new Date(2026, 5, 14, 23).getTime(), label: "Yesterday" },
  ])("$label", ({ at, label }) => {
    expect(dayLabel(at, now)).toBe(label);
  });
  it("names an older day by its date", () => {
    expect(dayLabel(new Date(2025, 0, 3).getTime(), now)).toMatch(/2025/);
  });
});
