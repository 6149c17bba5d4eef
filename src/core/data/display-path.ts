/** How a data path is shown in messages: relative to the workspace folder when it lies inside it. */
import * as path from 'node:path';
import { isWithin } from '../io/path-within';

/** The path as the user should see it: relative to displayRoot when given and the path is inside it. */
export function displayPath(p: string, options: { displayRoot?: string } = {}): string {
  if (!options.displayRoot) return p;
  if (!isWithin(p, options.displayRoot)) return p;
  return path.relative(options.displayRoot, p) || '.';
}
