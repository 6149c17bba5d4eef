/**
 * Number formatting for the inspector page. formatCount is the page's only formatter of its own; bytes, reals and
 * shapes come from core (src/core/analysis/inspector-format.ts).
 * TODO(issue 10): move into src/core/common/format.ts (one formatter per unit) once that file lands on this branch.
 */

/** 1234567 -> "1,234,567" (fixed locale so output does not depend on the machine). */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
