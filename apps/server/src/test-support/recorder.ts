/** One call an outlet received. */
export type Call = { name: string; args: unknown[] };

type Methods<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];

/** Outlets that record every call, in order, with what some of them answer. */
export type Recorder<T> = {
  /** The outlets, to hand to the part under test. */
  outlets: T;
  /** Every call, in order. */
  calls: Call[];
  /** The arguments of each call of one outlet, in order. */
  args<K extends Methods<T>>(name: K): T[K] extends (...args: infer A) => unknown ? A[] : never;
  /** Forgets the calls so far. */
  clear(): void;
};

/**
 * Recording outlets: every method of `T` records its call; those given in `answers` also answer
 * (the rest return undefined, which an awaiting caller takes as a resolved promise).
 */
export function recorder<T extends object>(answers: Partial<T> = {}): Recorder<T> {
  const calls: Call[] = [];
  const answering = new Map<string, unknown>(Object.entries(answers));
  const outlets = new Proxy({} as T, {
    get(_target, name) {
      if (typeof name !== "string") return undefined;
      return (...args: unknown[]) => {
        calls.push({ name, args });
        const answer = answering.get(name);
        return typeof answer === "function" ? (answer as (...a: unknown[]) => unknown)(...args) : undefined;
      };
    },
  });
  return {
    outlets,
    calls,
    args: ((name: string) => calls.filter((c) => c.name === name).map((c) => c.args)) as Recorder<T>["args"],
    clear: () => void calls.splice(0),
  };
}
