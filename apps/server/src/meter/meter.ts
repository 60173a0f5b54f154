import type * as Party from "partykit/server";

/**
 * What one room did, counted only when the deployment sets `PIM_METER=1` (the bench's `ops`
 * stage does; nothing else should). These are the quantities Durable Objects bills by: requests
 * and incoming socket frames into the room, and storage keys and bytes read and written. With the
 * flag off the room never builds a meter and uses its storage and parties as they are.
 */
export type MeterCounts = {
  /** HTTP requests into the room, from outside (browsers) and from other rooms. */
  requestsFromOutside: number;
  requestsFromRooms: number;
  /** Socket upgrades the room accepted: principals' tabs, and other rooms' NOTIFICATION channels. */
  tabsOpened: number;
  channelsAccepted: number;
  /** Incoming socket frames: from tabs, and from other rooms over their channels. */
  tabFramesIn: number;
  channelFramesIn: number;
  /** Alarm invocations. */
  alarms: number;
  /** Calls this room made to other rooms: HTTP calls, channel sockets opened, frames sent on them. */
  roomCallsOut: number;
  channelsOpened: number;
  channelFramesOut: number;
  /** Storage calls and what they touched; bytes are JSON lengths of the values (an estimate). */
  getCalls: number;
  keysRead: number;
  bytesRead: number;
  listCalls: number;
  keysListed: number;
  bytesListed: number;
  putCalls: number;
  keysWritten: number;
  bytesWritten: number;
  deleteCalls: number;
  keysDeleted: number;
  alarmWrites: number;
  /** Durable Objects' key-value backend bills reads and writes in 4 KB units, at least one a key. */
  readUnits: number;
  writeUnits: number;
};

/** Every metered room of this isolate, by room id (the bench reads them all at once). */
const registry = new Map<string, MeterCounts>();

/** Whether this deployment meters its rooms: `PIM_METER=1`, read once per room. */
export function meterOn(env: Record<string, unknown>): boolean {
  return env.PIM_METER === "1";
}

export function emptyCounts(): MeterCounts {
  return {
    requestsFromOutside: 0,
    requestsFromRooms: 0,
    tabsOpened: 0,
    channelsAccepted: 0,
    tabFramesIn: 0,
    channelFramesIn: 0,
    alarms: 0,
    roomCallsOut: 0,
    channelsOpened: 0,
    channelFramesOut: 0,
    getCalls: 0,
    keysRead: 0,
    bytesRead: 0,
    listCalls: 0,
    keysListed: 0,
    bytesListed: 0,
    putCalls: 0,
    keysWritten: 0,
    bytesWritten: 0,
    deleteCalls: 0,
    keysDeleted: 0,
    alarmWrites: 0,
    readUnits: 0,
    writeUnits: 0,
  };
}

/** The counts of room `id`, made on first use and kept until `resetMeters`. */
export function meterFor(id: string): MeterCounts {
  let counts = registry.get(id);
  if (!counts) {
    counts = emptyCounts();
    registry.set(id, counts);
  }
  return counts;
}

/** A copy of every room's counts so far. */
export function meterSnapshot(): Record<string, MeterCounts> {
  return Object.fromEntries([...registry].map(([id, counts]) => [id, { ...counts }]));
}

/** Starts every room's counts again from zero (the rooms keep their meter objects). */
export function resetMeters(): void {
  for (const counts of registry.values()) Object.assign(counts, emptyCounts());
}

const UNIT = 4096;

/** The size a value is counted as: its JSON length (what the stores put is plain JSON data). */
export function sizeOf(value: unknown): number {
  if (value === undefined) return 0;
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0;
  }
}

/** Request units of one key of `bytes` on the key-value backend: 4 KB each, at least one. */
export function units(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / UNIT));
}

/** `storage`, counting every read and write into `counts`; everything else passes through. */
export function meteredStorage(storage: Party.Storage, counts: MeterCounts): Party.Storage {
  const wrapped = {
    async get(keyOrKeys: string | string[], options?: unknown) {
      const value = await (storage.get as (k: unknown, o?: unknown) => Promise<unknown>)(keyOrKeys, options);
      counts.getCalls++;
      if (Array.isArray(keyOrKeys)) {
        counts.keysRead += keyOrKeys.length;
        const found = value as Map<string, unknown>;
        for (const key of keyOrKeys) {
          const bytes = sizeOf(found.get(key));
          counts.bytesRead += bytes;
          counts.readUnits += units(bytes);
        }
      } else {
        const bytes = sizeOf(value);
        counts.keysRead++;
        counts.bytesRead += bytes;
        counts.readUnits += units(bytes);
      }
      return value;
    },
    async list(options?: unknown) {
      const found =
        (await (storage.list as (o?: unknown) => Promise<Map<string, unknown>>)(options)) ?? new Map();
      let bytes = 0;
      for (const [key, value] of found) bytes += key.length + sizeOf(value);
      counts.listCalls++;
      counts.keysListed += found.size;
      counts.bytesListed += bytes;
      counts.readUnits += units(bytes);
      return found;
    },
    put(keyOrEntries: string | Record<string, unknown>, value?: unknown, options?: unknown) {
      counts.putCalls++;
      const entries =
        typeof keyOrEntries === "string" ? [[keyOrEntries, value] as const] : Object.entries(keyOrEntries);
      for (const [key, entry] of entries) {
        const bytes = key.length + sizeOf(entry);
        counts.keysWritten++;
        counts.bytesWritten += bytes;
        counts.writeUnits += units(bytes);
      }
      return (storage.put as (...args: unknown[]) => Promise<void>)(keyOrEntries, value, options);
    },
    delete(keyOrKeys: string | string[], options?: unknown) {
      counts.deleteCalls++;
      counts.keysDeleted += Array.isArray(keyOrKeys) ? keyOrKeys.length : 1;
      return (storage.delete as (...args: unknown[]) => Promise<unknown>)(keyOrKeys, options);
    },
    setAlarm(time: number | Date, options?: unknown) {
      counts.alarmWrites++;
      counts.writeUnits++;
      return (storage.setAlarm as (...args: unknown[]) => Promise<void>)(time, options);
    },
  };
  return new Proxy(storage, {
    get(target, property, receiver) {
      if (Object.hasOwn(wrapped, property)) return wrapped[property as keyof typeof wrapped];
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

type Stub = Party.Stub;

/** `parties`, counting every call this room makes to another room and every frame on a channel. */
export function meteredParties(
  parties: Party.Context["parties"],
  counts: MeterCounts,
): Party.Context["parties"] {
  return new Proxy(parties, {
    get(target, name, receiver) {
      const party = Reflect.get(target, name, receiver) as { get(id: string): Stub } | undefined;
      if (!party || typeof name !== "string") return party;
      return {
        get(id: string): Stub {
          const stub = party.get(id);
          return {
            connect: () => stub.connect(),
            fetch: ((path: string, init?: RequestInit) => {
              counts.roomCallsOut++;
              return stub.fetch(path, init);
            }) as Stub["fetch"],
            socket: (async (path: string, init?: RequestInit) => {
              counts.channelsOpened++;
              const socket = await stub.socket(path, init);
              const send = socket.send.bind(socket);
              socket.send = (data) => {
                counts.channelFramesOut++;
                send(data);
              };
              return socket;
            }) as Stub["socket"],
          };
        },
      };
    },
  });
}
