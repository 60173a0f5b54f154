import { CanonicalHandleSchema, type Handle } from "@pim/protocol";

/** A handle as a route or a frame would hand it to the parts: parsed at the edge, canonical. */
export function h(text: string): Handle {
  return CanonicalHandleSchema.parse(text);
}
