import { z } from "zod";

/**
 * Zod compiles fast parsers with `new Function` when it may, and probes whether it may by trying
 * one: under our Content-Security-Policy (no 'unsafe-eval') that probe is refused and reported as
 * a violation. Jitless parsing needs no eval (workerd refuses eval too). Imported first by this
 * package's index, so it runs before any schema is built or parsed, whichever chunk the bundler
 * puts the schemas in.
 */
z.config({ jitless: true });
