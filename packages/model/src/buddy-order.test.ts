import type { Buddy } from "@pim/protocol";
import { describe, expect, it } from "vitest";
import { orderBuddies } from "./buddy-order.ts";

const buddy = (handle: string, state: Buddy["state"], view?: Buddy["view"]): Buddy => ({
  handle,
  state,
  since: 0,
  ...(view ? { view } : {}),
});

describe("orderBuddies", () => {
  it("puts available first, then away, busy, dnd, closed, then requests; by handle within", () => {
    const list = [
      buddy("pending", "pending"),
      buddy("closed", "active", { handle: "closed", status: "closed" }),
      buddy("dnd", "active", { handle: "dnd", status: "open", availability: "dnd" }),
      buddy("zed", "active", { handle: "zed", status: "open", availability: "available" }),
      buddy("busy", "active", { handle: "busy", status: "open", availability: "busy" }),
      buddy("away", "active", { handle: "away", status: "open", availability: "away" }),
      buddy("amy", "active", { handle: "amy", status: "open", availability: "available" }),
      buddy("refused", "refused"),
      buddy("status-only", "active", { handle: "status-only", status: "open" }),
    ];
    expect(orderBuddies(list).map((b) => b.handle)).toEqual([
      "amy",
      "status-only",
      "zed",
      "away",
      "busy",
      "dnd",
      "closed",
      "pending",
      "refused",
    ]);
  });

  it("does not change its input", () => {
    const list = [buddy("b", "pending"), buddy("a", "pending")];
    orderBuddies(list);
    expect(list.map((b) => b.handle)).toEqual(["b", "a"]);
  });
});
