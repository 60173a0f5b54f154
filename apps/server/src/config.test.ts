import {
  CHANNEL_IDLE_MS,
  DEFAULT_COALESCE_POLICY,
  DEFAULT_PRESENCE_POLICY,
  FRAME_RATE,
  VIEW_WRITE_DELAY_MS,
} from "@pim/model";
import { describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "./config.ts";

const SECRET = "a".repeat(32);

describe("readConfig", () => {
  it("refuses to start without a long enough secret", () => {
    expect(() => readConfig({})).toThrow(ConfigError);
    expect(() => readConfig({ SESSION_SECRET: "short" })).toThrow(ConfigError);
  });

  it("keeps the production waits when nothing sets them", () => {
    const config = readConfig({ SESSION_SECRET: SECRET });
    expect(config.presence).toEqual(DEFAULT_PRESENCE_POLICY);
    expect(config.presence.graceMs).toBe(5_000);
    expect(config.viewWriteDelayMs).toBe(VIEW_WRITE_DELAY_MS);
    expect(config.viewWriteDelayMs).toBe(5_000);
    expect(config.coalescing).toEqual(DEFAULT_COALESCE_POLICY);
    expect(config.coalescing.windowMs).toBe(1_000);
    expect(config.channelIdleMs).toBe(CHANNEL_IDLE_MS);
  });

  it("keeps the socket frame limit (20 a second, bursts of 100) when nothing sets it", () => {
    const config = readConfig({ SESSION_SECRET: SECRET });
    expect(config.frameRate).toEqual(FRAME_RATE);
    expect(config.frameRate).toEqual({ perMinute: 1_200, burst: 100 });
  });

  it("takes the socket frame limit from the environment, and ignores values that are not a positive number", () => {
    const lifted = readConfig({
      SESSION_SECRET: SECRET,
      FRAME_RATE_PER_MINUTE: "60000",
      FRAME_RATE_BURST: "1000",
    });
    expect(lifted.frameRate).toEqual({ perMinute: 60_000, burst: 1_000 });
    for (const value of ["0", "-5", "many", ""]) {
      const config = readConfig({
        SESSION_SECRET: SECRET,
        FRAME_RATE_PER_MINUTE: value,
        FRAME_RATE_BURST: value,
      });
      expect(config.frameRate).toEqual(FRAME_RATE);
    }
  });

  it("takes the idle time of room-to-room channels from the environment", () => {
    expect(readConfig({ SESSION_SECRET: SECRET, CHANNEL_IDLE_MS: "250" }).channelIdleMs).toBe(250);
    expect(readConfig({ SESSION_SECRET: SECRET, CHANNEL_IDLE_MS: "0" }).channelIdleMs).toBe(CHANNEL_IDLE_MS);
  });

  it("takes the grace period, the view write delay and the coalescing window from the environment", () => {
    const config = readConfig({
      SESSION_SECRET: SECRET,
      PRESENCE_GRACE_MS: "1000",
      VIEW_WRITE_DELAY_MS: "500",
      COALESCE_WINDOW_MS: "250",
    });
    expect(config.presence.graceMs).toBe(1_000);
    expect(config.viewWriteDelayMs).toBe(500);
    expect(config.coalescing.windowMs).toBe(250);
  });

  it.each(["0", "-5", "soon", ""])("ignores %j as a wait and keeps the default", (value) => {
    const config = readConfig({
      SESSION_SECRET: SECRET,
      PRESENCE_GRACE_MS: value,
      VIEW_WRITE_DELAY_MS: value,
      COALESCE_WINDOW_MS: value,
    });
    expect(config.presence.graceMs).toBe(DEFAULT_PRESENCE_POLICY.graceMs);
    expect(config.viewWriteDelayMs).toBe(VIEW_WRITE_DELAY_MS);
    expect(config.coalescing.windowMs).toBe(DEFAULT_COALESCE_POLICY.windowMs);
  });
});
