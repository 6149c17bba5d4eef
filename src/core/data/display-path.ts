/** How a data path is shown in messages: relative to the workspace folder when it lies inside it. */
import * as path from 'node:path';

/** The path as the user should see it: relative to displayRoot when given and the path is inside it. */
export function displayPath(p: string, options: { displayRoot?: string } = {}): string {
  if (!options.displayRoot) return p;
  const rel = path.relative(options.displayRoot, p);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}
