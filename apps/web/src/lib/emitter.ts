/** Listeners by event name, typed by a map of event name to payload. */
export type Emitter<Events extends Record<string, unknown>> = {
  /** Adds a listener; returns the undo. */
  on<K extends keyof Events>(type: K, listener: (payload: Events[K]) => void): () => void;
  emit<K extends keyof Events>(type: K, payload: Events[K]): void;
};

/** A small typed event emitter: each event name has one payload type, checked by the compiler. */
export function createEmitter<Events extends Record<string, unknown>>(): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<(payload: never) => void>>();
  return {
    on(type, listener) {
      const set = listeners.get(type) ?? new Set();
      listeners.set(type, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    emit(type, payload) {
      // A copy: a listener may remove itself (or another) while the event is handed out.
      for (const listener of [...(listeners.get(type) ?? [])])
        (listener as (p: typeof payload) => void)(payload);
    },
  };
}
