/**
 * An edge of a room's wiring that points at a part built later: privacy's change re-evaluates
 * the subscriptions, which read privacy and so are built after it. It is set exactly once, when
 * that part exists, and refuses to run before; every other dependency is a part built earlier.
 */
export class LateHook<A extends unknown[], R> {
  private target: ((...args: A) => R) | undefined;

  constructor(private readonly name: string) {}

  set(target: (...args: A) => R): void {
    if (this.target) throw new Error(`${this.name} is wired twice`);
    this.target = target;
  }

  /** Runs the hook; pass `hook.call` where a part takes a callback. */
  readonly call = (...args: A): R => {
    if (!this.target) throw new Error(`${this.name} is not wired yet`);
    return this.target(...args);
  };
}
