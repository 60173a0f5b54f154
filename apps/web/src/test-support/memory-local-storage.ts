import { beforeEach } from "vitest";

/** One browser's localStorage for each test, in memory (every tab of the test shares it). */
export function memoryLocalStorage(): void {
  beforeEach(() => {
    const store = new Map<string, string>();
    Object.assign(globalThis, {
      localStorage: {
        getItem: (key: string) => store.get(key) ?? null,
        setItem: (key: string, value: string) => void store.set(key, value),
        removeItem: (key: string) => void store.delete(key),
      },
    });
  });
}
