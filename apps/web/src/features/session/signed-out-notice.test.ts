import { describe, expect, it } from "vitest";
import { signedOutNotice } from "./signed-out-notice.ts";

describe("signedOutNotice", () => {
  it.each([
    ["signed out", "You signed out in another tab or window."],
    ["signed out everywhere", "You were signed out everywhere."],
    ["Your session has ended. Sign in again.", "You were signed out. Your session has ended. Sign in again."],
    ["session expired", "You were signed out (session expired)."],
    ["", "You were signed out."],
  ])("%j reads %j", (reason, notice) => {
    expect(signedOutNotice(reason)).toBe(notice);
  });
});
