import { z } from "zod";

/**
 * Zod compiles fast parsers with `new Function` when it may, and probes whether it may by trying
 * one: under our Content-Security-Policy (no 'unsafe-eval') that probe is refused and reported as
 * a violation. Jitless parsing needs no eval. Imported first in main.tsx, before any schema exists.
 */
z.config({ jitless: true });
