/**
 * `npm run bench`: every benchmark in one process, each printing its figures next to an anchor measured in the same
 * run. Benchmarks live beside this file as `*.bench.ts` and export `main()`.
 */
import fs from 'node:fs';
import path from 'node:path';

async function runAll(): Promise<void> {
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.bench.js')).sort();
  const only = process.argv.slice(2);
  for (const f of files) {
    if (only.length && !only.some((o) => f.includes(o))) continue;
    console.log(`\n##### ${f.replace(/\.js$/, '')}`);
    const mod = require(path.join(__dirname, f)) as { main?: () => unknown };
    if (typeof mod.main === 'function') await mod.main();
  }
}

runAll().catch((e) => { console.error(e); process.exitCode = 1; });
