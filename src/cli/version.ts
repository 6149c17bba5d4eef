import fs from 'node:fs';
import path from 'node:path';

/** The toolkit's version, from the package.json above this file (dist/ in the package, out/ in tests). */
export function toolkitVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tinyml-toolkit' && pkg.version) return pkg.version;
    } catch { /* not here */ }
    dir = path.dirname(dir);
  }
  return 'unknown';
}
