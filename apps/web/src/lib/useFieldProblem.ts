import { useId } from "react";

/**
 * Ties a form's problem to the field it is about: the field says it is invalid and is described
 * by the problem, so a screen reader reads both together. Spread `field` on the input(s) and
 * `message` on the element that shows the problem.
 */
export function useFieldProblem(problem: string | null | undefined) {
  const id = useId();
  return {
    field: problem ? { "aria-invalid": true, "aria-describedby": id } : {},
    message: { id, role: "alert", className: "error" },
  } as const;
}
