/**
 * Runs one measured stage of a scenario (one message rate, one presence change). The profiler
 * wraps stages with this to observe the server during them alone, not while users are set up.
 */
export type Around = <T>(stage: string, run: () => Promise<T>) => Promise<T>;
