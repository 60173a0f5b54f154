import { DEFAULT_DELIVERY_RULES, decideAccess } from "@pim/model";
import { type AccessRules, PRIVACY_LIMITS } from "@pim/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ApiError, asApiError } from "../http/api-error.ts";
import { Refusal } from "../refusal.ts";
import { PrivacyStore } from "../store/privacy-store.ts";
import { FakeRooms } from "../test-support/fake-rooms.ts";
import { h } from "../test-support/handles.ts";
import { MemoryStorage } from "../test-support/memory-storage.ts";
import { rules } from "../test-support/presence-parts.ts";
import { type Affected, PrivacySettings } from "./privacy-settings.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

/** Handles a plain object already "has": a lookup by them must still find no rule. */
const PROTOTYPE_LIKE = ["constructor", "tostring", "valueof", "hasownproperty", "__proto__", "prototype"];

async function setup(options: { people?: string[]; storage?: MemoryStorage } = {}) {
  const storage = options.storage ?? new MemoryStorage();
  const rooms = new FakeRooms().people(...(options.people ?? ["bob", "carol", ...PROTOTYPE_LIKE]));
  const changes: Affected[] = [];
  const build = async () => {
    const privacy = new PrivacySettings(
      "alice",
      new PrivacyStore(storage.asStorage()),
      rooms.asClient(),
      async (a) => {
        changes.push(a);
      },
    );
    await privacy.load();
    return privacy;
  };
  return { storage, rooms, changes, privacy: await build(), reload: build };
}

async function refused(promise: Promise<unknown>, status: number, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Refusal);
  // Asserted as the HTTP layer would answer it: the statuses are the contract.
  const answered: ApiError = asApiError(error as Refusal);
  expect(answered).toMatchObject({ status });
  expect(answered.message).toMatch(message);
}

const allow = { action: "allow", show: "status" } as const;

describe("access rules", () => {
  it("are kept by canonical handle, stored, and re-evaluate everyone", async () => {
    const { privacy, changes, reload } = await setup();
    await privacy.setRules(
      rules({ people: { Bob: allow }, groups: [{ name: "Work", members: ["CAROL", "carol"], rule: allow }] }),
    );
    expect(privacy.settings().rules.people).toEqual({ bob: allow });
    expect(privacy.settings().rules.groups[0]?.members).toEqual(["carol"]);
    expect(changes).toEqual(["everyone"]);
    expect((await reload()).settings()).toEqual(privacy.settings());
  });

  it.each([
    {
      case: "a rule about myself",
      set: rules({ people: { alice: allow } }),
      message: /yours always applies/,
    },
    {
      case: "myself in a group",
      set: rules({ groups: [{ name: "g", members: ["alice"], rule: allow }] }),
      message: /yours always applies/,
    },
    {
      case: "someone who does not exist",
      set: rules({ people: { ghost: allow } }),
      message: /No one has the handle ghost/,
    },
    {
      case: "a group of unknown people",
      set: rules({ groups: [{ name: "g", members: ["ghost-1"], rule: allow }] }),
      message: /ghost-1/,
    },
    {
      case: "two groups with one name",
      set: rules({
        groups: [
          { name: "Work", members: [], rule: allow },
          { name: "work", members: [], rule: allow },
        ],
      }),
      message: /same name/,
    },
  ])("refuse $case, changing nothing", async ({ set, message }) => {
    const { privacy, changes, storage } = await setup();
    const before = privacy.settings();
    await refused(privacy.setRules(set as AccessRules), 400, message);
    expect(privacy.settings()).toEqual(before);
    expect(changes).toEqual([]);
    expect(storage.dump().size).toBe(0);
  });

  it("ask other rooms only about names not already in the rules", async () => {
    const { privacy, rooms } = await setup();
    await privacy.setRules(rules({ people: { bob: allow } }));
    await privacy.setRules(rules({ people: { bob: allow, carol: allow } }));
    expect(rooms.callsTo("/rc/exists").map((c) => c.to)).toEqual(["bob", "carol"]);
  });

  it("are looked up in Maps: a prototype-like handle finds its own rule, or none", async () => {
    const { privacy } = await setup();
    const block = { action: "block", show: "status" } as const;
    await privacy.setRules(rules({ people: Object.fromEntries([["constructor", block]]) }));
    const decide = (handle: string) =>
      decideAccess(privacy.accessPolicy(), privacy.blocklist(), { handle, anonymous: false });
    expect(decide("constructor")).toMatchObject({ action: "block", because: "person" });
    for (const handle of PROTOTYPE_LIKE.filter((h) => h !== "constructor")) {
      expect(decide(handle), handle).toMatchObject({ action: "confirm", because: "default" });
      expect(privacy.isBlocked(handle)).toBe(false);
      expect(privacy.anonymousTowards(handle)).toBe(false);
    }
  });
});

describe("the blocklist", () => {
  it("blocks a real person by canonical handle, once, and re-evaluates only them", async () => {
    const { privacy, changes, reload } = await setup();
    await privacy.block(h("Bob"));
    await privacy.block(h("bob"));
    expect(privacy.isBlocked("bob")).toBe(true);
    expect(changes).toEqual([{ watcher: "bob" }]);
    expect((await reload()).isBlocked("bob")).toBe(true);
    await privacy.unblock(h("BOB"));
    expect(privacy.isBlocked("bob")).toBe(false);
    expect(changes).toEqual([{ watcher: "bob" }, { watcher: "bob" }]);
  });

  it.each([
    { case: "myself", handle: "alice", status: 400, message: /yourself/ },
    {
      case: "someone who does not exist",
      handle: "ghost",
      status: 400,
      message: /No one has the handle ghost/,
    },
  ])("refuses $case", async ({ handle, status, message }) => {
    const { privacy, changes } = await setup();
    await refused(privacy.block(h(handle)), status, message);
    expect(privacy.settings().blocked).toEqual([]);
    expect(changes).toEqual([]);
  });

  it("unblocking someone not blocked is not found", async () => {
    const { privacy } = await setup();
    await refused(privacy.unblock(h("bob")), 404, /not blocked/);
  });

  it("holds at most its limit", async () => {
    const storage = new MemoryStorage();
    const full = Array.from({ length: PRIVACY_LIMITS.blocklist }, (_, i) => `p${i}`);
    await new PrivacyStore(storage.asStorage()).saveBlocklist(full);
    const { privacy, rooms } = await setup({ storage });
    await refused(privacy.block(h("bob")), 409, new RegExp(`at most ${PRIVACY_LIMITS.blocklist}`));
    expect(rooms.calls).toEqual([]);
  });
});

describe("visibility and delivery rules", () => {
  it("visibility: per presentity over the default, canonical, about real other people only", async () => {
    const { privacy } = await setup();
    await privacy.setVisibility({ anonymous: true, presentities: { Bob: false } });
    expect(privacy.anonymousTowards("bob")).toBe(false);
    expect(privacy.anonymousTowards("carol")).toBe(true);
    expect(privacy.anonymousTowards("constructor")).toBe(true);
    await refused(
      privacy.setVisibility({ anonymous: false, presentities: { alice: true } }),
      400,
      /other people/,
    );
    await refused(privacy.setVisibility({ anonymous: false, presentities: { ghost: true } }), 400, /ghost/);
  });

  it("delivery: always-through names are real other people, kept once each", async () => {
    const { privacy } = await setup();
    await privacy.setDelivery({ ...DEFAULT_DELIVERY_RULES, alwaysThrough: ["Bob", "bob"] });
    expect(privacy.deliveryRules().alwaysThrough).toEqual(["bob"]);
    await refused(
      privacy.setDelivery({ ...DEFAULT_DELIVERY_RULES, alwaysThrough: ["alice"] }),
      400,
      /yourself/,
    );
    await refused(privacy.setDelivery({ ...DEFAULT_DELIVERY_RULES, alwaysThrough: ["ghost"] }), 400, /ghost/);
    expect(privacy.deliveryRules().alwaysThrough).toEqual(["bob"]);
  });
});

describe("stored settings", () => {
  it("that cannot be read are not trusted: the defaults, which ask before showing, apply", async () => {
    const storage = new MemoryStorage();
    await storage.put("privacy:rules", { default: { action: "allow", show: "everything" } });
    await storage.put("privacy:blocklist", "bob");
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { privacy } = await setup({ storage });
    expect(privacy.settings().rules.default).toEqual({ action: "confirm", show: "lastSeen" });
    expect(privacy.settings().blocked).toEqual([]);
  });
});
