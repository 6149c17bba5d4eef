/**
 * The .vsix ships only the bundles named in .vscodeignore: every bundle the extension loads at run time must be
 * among them (a Compare view whose compare.js is left out of the package would open blank).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../helpers/paths';

/** The "!dist/..." patterns of .vscodeignore, with {a,b} alternatives expanded. */
function shippedDist(): string[] {
  const lines = fs.readFileSync(path.join(PROJECT_ROOT, '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim());
  const out: string[] = [];
  for (const l of lines) {
    const m = /^!dist\/(.+)$/.exec(l);
    if (!m) continue;
    const brace = /\{([^}]+)\}/.exec(m[1]!);
    if (brace) for (const alt of brace[1]!.split(',')) out.push(m[1]!.replace(brace[0], alt));
    else out.push(m[1]!);
  }
  return out;
}

/** Bundle file names the extension's and the core's sources load from dist/ (webview scripts and styles, worker files). */
function loadedBundles(): string[] {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        const text = fs.readFileSync(p, 'utf8');
        for (const m of text.matchAll(/joinPath\(dist, '([\w-]+\.(?:js|css))'\)|path\.join\(__dirname, '([\w-]+\.js)'\)/g)) found.add((m[1] ?? m[2])!);
      }
    }
  };
  walk(path.join(PROJECT_ROOT, 'src', 'extension'));
  // The core's own workers (the quantizer's forward helper, the image decoder's) run inside the extension's quantize worker.
  walk(path.join(PROJECT_ROOT, 'src', 'core'));
  return [...found].sort();
}

test('every bundle the extension loads is shipped in the .vsix; the CLI bundle is not', () => {
  const shipped = shippedDist();
  const loaded = loadedBundles();
  assert.ok(loaded.length >= 6, `bundles found in the sources: ${loaded.join(', ')}`);
  for (const b of [...loaded, 'extension.js']) assert.ok(shipped.includes(b), `${b} is loaded by the extension but not shipped (.vscodeignore)`);
  assert.ok(!shipped.includes('cli.js'));
});
