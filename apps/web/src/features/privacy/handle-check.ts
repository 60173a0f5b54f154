import { canonicalHandle, HandleSchema } from "@pim/protocol";

/** What a person typed as a handle: its canonical form, or the product's words for what is wrong. */
export type HandleCheck = { ok: true; handle: string } | { ok: false; problem: string };

/** Checks one typed handle with the shared schema, so the words match the rest of the app. */
export function checkHandle(typed: string): HandleCheck {
  const parsed = HandleSchema.safeParse(typed.trim());
  if (parsed.success) return { ok: true, handle: canonicalHandle(parsed.data) };
  return { ok: false, problem: parsed.error.issues[0]?.message ?? "That is not a handle." };
}

/** Checks a comma-separated list of handles; the first wrong one is named in the problem. */
export function checkHandleList(typed: string): { handles: string[]; problem: string | null } {
  const handles: string[] = [];
  for (const part of typed.split(",")) {
    if (!part.trim()) continue;
    const check = checkHandle(part);
    if (!check.ok) return { handles, problem: `“${part.trim()}”: ${check.problem}` };
    if (!handles.includes(check.handle)) handles.push(check.handle);
  }
  return { handles, problem: null };
}
