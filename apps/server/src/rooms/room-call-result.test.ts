import { describe, expect, it } from "vitest";
import { Refusal, Unreachable } from "../refusal.ts";
import { noOneHas, readRoomReply, refusalOf } from "./room-call-result.ts";

const error = (code: string, message: string) => JSON.stringify({ error: { code, message } });

describe("readRoomReply", () => {
  it.each([
    {
      case: "a reply its schema takes",
      status: 200,
      text: '{"exists":true}',
      result: { ok: true, reply: { exists: true } },
    },
    {
      case: "a reply its schema refuses",
      status: 200,
      text: '{"exists":"yes"}',
      result: { ok: false, failure: "bad_reply" },
    },
    {
      case: "a reply that is not JSON",
      status: 200,
      text: "<html>",
      result: { ok: false, failure: "bad_reply" },
    },
    {
      case: "no such principal",
      status: 404,
      text: error("not_found", "No such principal."),
      result: { ok: false, failure: "no_such_principal" },
    },
    {
      case: "not wanted any more",
      status: 410,
      text: error("not_found", "Not subscribed."),
      result: { ok: false, failure: "gone" },
    },
    {
      case: "the other room's refusal",
      status: 409,
      text: error("limit_reached", "full"),
      result: { ok: false, failure: "refused", code: "limit_reached", message: "full" },
    },
    {
      case: "a 4xx without an error body",
      status: 400,
      text: "",
      result: { ok: false, failure: "unreachable" },
    },
    {
      case: "a failing room",
      status: 500,
      text: error("internal", "oops"),
      result: { ok: false, failure: "unreachable" },
    },
  ])("reads $case", ({ status, text, result }) => {
    expect(readRoomReply("exists", status, text)).toEqual(result);
  });
});

describe("refusalOf", () => {
  it("names the handle no one has, in the one wording", () => {
    const refusal = refusalOf({ ok: false, failure: "no_such_principal" }, "bob");
    expect(refusal).toMatchObject({ code: "not_found", message: "No one has the handle bob." });
    expect(noOneHas(["bob", "carol"])).toBe("No one has the handle bob, carol.");
  });

  it("passes the other room's refusal on and turns every other failure into 'could not answer'", () => {
    const refused = refusalOf(
      { ok: false, failure: "refused", code: "limit_reached", message: "full" },
      "bob",
    );
    expect(refused).toBeInstanceOf(Refusal);
    expect(refused).toMatchObject({ code: "limit_reached", message: "full" });
    for (const failure of ["gone", "unreachable", "bad_reply"] as const) {
      expect(refusalOf({ ok: false, failure }, "bob")).toBeInstanceOf(Unreachable);
    }
  });
});
