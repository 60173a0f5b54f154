/** Thrown when something the benchmark waits for does not happen in time. */
export class DeadlineExceeded extends Error {}

/**
 * Settles as `promise` does, or rejects with `DeadlineExceeded(message())` after `ms`: no wait in the
 * harness may last forever. `message` is called at the deadline, so it can say how far things got.
 */
export function within<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(message())), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
