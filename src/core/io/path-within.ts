/** Whether a path lies in a folder: one rule for the write checks, the data checks and the paths shown. */
import * as path from 'node:path';

/**
 * `child` is `parent` itself or lies below it, by the paths as given (resolve links first where they matter). A name
 * that only starts with two dots ("..notes") is inside; ".." and what lies above are not.
 */
export function isWithin(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
