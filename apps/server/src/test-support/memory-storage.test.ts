import { describe, expect, it } from "vitest";
import { MemoryStorage } from "./memory-storage.ts";

describe("MemoryStorage: Durable Object storage as the stores rely on it", () => {
  it("lists in key order with prefix, start, startAfter, end, reverse and limit", async () => {
    const storage = new MemoryStorage();
    await storage.put({ "msg:bob:0003": 3, "msg:bob:0001": 1, "msg:carol:0001": "c", "msg:bob:0002": 2 });
    const keys = async (options: Parameters<MemoryStorage["list"]>[0]) => [
      ...(await storage.list(options)).keys(),
    ];
    expect(await keys({ prefix: "msg:bob:" })).toEqual(["msg:bob:0001", "msg:bob:0002", "msg:bob:0003"]);
    expect(await keys({ prefix: "msg:bob:", start: "msg:bob:0002" })).toEqual([
      "msg:bob:0002",
      "msg:bob:0003",
    ]);
    expect(await keys({ prefix: "msg:bob:", startAfter: "msg:bob:0002" })).toEqual(["msg:bob:0003"]);
    expect(await keys({ prefix: "msg:bob:", end: "msg:bob:0003" })).toEqual(["msg:bob:0001", "msg:bob:0002"]);
    expect(await keys({ prefix: "msg:bob:", reverse: true, limit: 2 })).toEqual([
      "msg:bob:0003",
      "msg:bob:0002",
    ]);
    expect(await keys({ limit: 1 })).toEqual(["msg:bob:0001"]);
  });

  it("orders keys by their UTF-8 bytes, as the runtime does", async () => {
    const storage = new MemoryStorage();
    await storage.put({ "\u{1F600}": 1, "\uFF21": 2 }); // UTF-16 puts the emoji first, UTF-8 does not
    expect([...(await storage.list()).keys()]).toEqual(["\uFF21", "\u{1F600}"]);
  });

  it("clones values on the way in and out", async () => {
    const storage = new MemoryStorage();
    const value = { list: [1] };
    await storage.put("k", value);
    value.list.push(2);
    const read = (await storage.get<{ list: number[] }>("k")) as { list: number[] };
    expect(read).toEqual({ list: [1] });
    read.list.push(3);
    expect(await storage.get("k")).toEqual({ list: [1] });
    expect((await storage.list()).get("k")).toEqual({ list: [1] });
  });

  it("gets and deletes many keys, and refuses more than 128 at once", async () => {
    const storage = new MemoryStorage();
    await storage.put({ a: 1, b: 2 });
    expect(await storage.get(["a", "b", "c"])).toEqual(
      new Map([
        ["a", 1],
        ["b", 2],
      ]),
    );
    expect(await storage.delete(["a", "c"])).toBe(1);
    expect(await storage.delete("b")).toBe(true);
    expect(await storage.delete("b")).toBe(false);
    const many = Array.from({ length: 129 }, (_, i) => `k${i}`);
    await expect(storage.get(many)).rejects.toThrow(/128/);
    await expect(storage.delete(many)).rejects.toThrow(/128/);
    await expect(storage.put(Object.fromEntries(many.map((k) => [k, 1])))).rejects.toThrow(/128/);
    expect(await storage.list()).toEqual(new Map());
  });

  it("keeps one alarm", async () => {
    const storage = new MemoryStorage();
    expect(await storage.getAlarm()).toBeNull();
    await storage.setAlarm(1_000);
    expect(await storage.getAlarm()).toBe(1_000);
    await storage.deleteAlarm();
    expect(await storage.getAlarm()).toBeNull();
  });
});
