import type * as Party from "partykit/server";
import { meterSnapshot, resetMeters } from "../apps/server/src/meter/meter.ts";

/**
 * Reads the rooms' meters (`PIM_METER=1`): GET answers every metered room's counts, POST starts
 * them again from zero. Only the benchmark config mounts this party; the deployed app has none.
 * Rooms of one worker share an isolate under `partykit dev`, so this room sees their registry.
 */
export default class MeterParty implements Party.Server {
  constructor(readonly room: Party.Room) {}

  onRequest(request: Party.Request): Response {
    if (request.method === "POST") resetMeters();
    return Response.json(meterSnapshot());
  }
}
