import type { ChosenState } from "@pim/protocol";
import type * as Party from "partykit/server";

const CHOSEN = "presence:chosen";
const LAST_SEEN = "presence:lastSeen";
const SEQ = "presence:seq";

/** The parts of PRESENCE INFORMATION that outlive a connection: chosen state, last seen, seq. */
export class PresenceStore {
  constructor(private readonly storage: Party.Storage) {}

  async load(): Promise<{ chosen: ChosenState; lastSeen: number | null; seq: number }> {
    const values = await this.storage.get<unknown>([CHOSEN, LAST_SEEN, SEQ]);
    return {
      chosen: (values.get(CHOSEN) as ChosenState | undefined) ?? {
        availability: "available",
        invisible: false,
      },
      lastSeen: (values.get(LAST_SEEN) as number | undefined) ?? null,
      // Survives restarts so subscribers never see the sequence go backwards.
      seq: (values.get(SEQ) as number | undefined) ?? 0,
    };
  }

  saveChosen(chosen: ChosenState): Promise<void> {
    return this.storage.put(CHOSEN, chosen);
  }

  saveLastSeen(at: number): Promise<void> {
    return this.storage.put(LAST_SEEN, at);
  }

  saveSeq(seq: number): Promise<void> {
    return this.storage.put(SEQ, seq);
  }
}
