/**
 * Issue 11 item 5: the whole `tinyml quantize` command (process start to files written, report and recipe search
 * included, default options) against the floor, a fresh process that loads LiteRT and runs the float model over the
 * same calibration file (quantize-floor.ts), both spawned in this run, alternating, 5 times each after a warm-up.
 * The figures are the medians of the child's CPU time (user + system, from /usr/bin/time): on a shared machine other
 * processes swing wall time by 2-3x between identical runs. Wall time is printed beside it. Target: ratio ≤ 1.5.
 * ResNet-8's command takes a second thread for part of LiteRT's passes (src/core/quantize/forward-helper.ts) only
 * while the 1-minute load average is below the cores: run this on a quiet machine, or its figures are one thread's.
 * Sets: hello_world on 500 sine points, ad01 on 500 spectrogram-like inputs, ResNet-8 on 200 image-like inputs
 * (synthetic-data.ts), each written as one .npy file. Each row names the 1-minute load average read before its runs
 * (median and range): other processes on the machine move both figures.
 *   TINYML_BENCH_BASELINE_CLI=path/to/cli.js  another build's CLI (e.g. main's dist/cli.js) in the same rotation, its
 *     rows next to this build's against the same floor runs: before and after a change, under the same load.
 *   TINYML_BENCH_LOADAVG=N  the commands read N as the load average (pinned-loadavg.ts, preloaded into them only), so
 *     that the forward helper's start decision is the same in every run: 0 measures two threads, a number at or above
 *     the cores one thread. Unset, each run decides from the machine's real load, as users' runs do.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mulberry32 as rng } from '../src/core/common/seeded-random';
import { writeNpy } from '../src/core/data/index';
import { HAS_SHARED, PROJECT_ROOT, sharedModel } from '../test/helpers/paths';
import { report } from './harness';
import { CLI_V8_FLAGS } from '../src/cli/main';
import { imageLike, sinePoints, spectrogramLike } from './synthetic-data';

interface Run { wall: number; cpu: number; load: number; selfReported?: number }

const TIME = '/usr/bin/time';

/** Runs `args` under /usr/bin/time; CPU seconds from its report, wall from here. */
function timed(args: string[]): Run & { stdout: string } {
  const file = path.join(os.tmpdir(), `tinyml-bench-time-${process.pid}.txt`);
  const load = os.loadavg()[0]!;
  const t0 = performance.now();
  const r = spawnSync(TIME, ['-f', '%U %S', '-o', file, process.execPath, ...args], { encoding: 'utf8' });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [u, s] = fs.readFileSync(file, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  fs.rmSync(file, { force: true });
  return { wall, cpu: (u! + s!) * 1000, load, stdout: r.stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The load averages read before `runs`: median and range. */
const loads = (runs: Run[]) => {
  const l = runs.map((r) => r.load);
  return `load ${median(l).toFixed(2)} (${Math.min(...l).toFixed(2)}-${Math.max(...l).toFixed(2)})`;
};

export async function main(): Promise<void> {
  const cli = path.join(PROJECT_ROOT, 'dist', 'cli.js');
  const floor = path.join(__dirname, 'quantize-floor.js');
  if (!HAS_SHARED || !fs.existsSync(cli) || !fs.existsSync(TIME)) {
    console.log('quantize speed bench: needs ../shared/models, dist/cli.js (npm run build) and /usr/bin/time; nothing measured.');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyml-quantize-speed-'));
  const sets: [string, string, number[], () => Float32Array, number][] = [
    ['hello_world', 'tflm/examples/hello_world/hello_world_float.tflite', [1], sinePoints(rng(42)), 500],
    ['ad01', 'mlperf-tiny/ad01_fp32.tflite', [640], spectrogramLike(rng(7)), 500],
    ['pretrainedResnet', 'mlperf-tiny/pretrainedResnet.tflite', [32, 32, 3], imageLike(rng(7)), 200],
  ];
  const repeats = Number(process.env['TINYML_BENCH_REPEATS'] ?? 5);
  const baselineCli = process.env['TINYML_BENCH_BASELINE_CLI'];
  if (baselineCli && !fs.existsSync(baselineCli)) throw new Error(`TINYML_BENCH_BASELINE_CLI: ${baselineCli} does not exist`);
  // Preloaded into the commands only (never the floor): the helper's decision reads the pinned load average.
  const pinnedLoad = process.env['TINYML_BENCH_LOADAVG'];
  if (pinnedLoad !== undefined && !(Number.isFinite(Number(pinnedLoad)) && Number(pinnedLoad) >= 0)) {
    throw new Error(`TINYML_BENCH_LOADAVG=${pinnedLoad}: give a load average, a number ≥ 0 (0: two threads; the cores or more: one)`);
  }
  const pinned = pinnedLoad !== undefined ? ['-r', path.join(__dirname, 'pinned-loadavg.js')] : [];
  console.log(`quantize speed: ${os.availableParallelism()} cores; the commands read the load average ${pinned.length ? `as ${process.env['TINYML_BENCH_LOADAVG']} (TINYML_BENCH_LOADAVG)` : 'of the machine'}`
    + `${baselineCli ? `; baseline CLI ${baselineCli} in the same rotation` : ''}`);
  try {
    for (const [name, rel, shape, make, count] of sets) {
      const values = new Float32Array(count * shape.reduce((a, b) => a * b, 1));
      const per = values.length / count;
      for (let i = 0; i < count; i++) values.set(make(), i * per);
      const data = path.join(dir, `${name}.npy`);
      fs.writeFileSync(data, writeNpy([count, ...shape], values));
      const model = sharedModel(rel);
      const out = path.join(dir, `${name}_int8.tflite`);
      const args = ['quantize', model, '--data', data, '-o', out, '--report', path.join(dir, `${name}.json`), '--force'];
      const quantize = [...pinned, cli, ...args];
      const baseline = baselineCli ? [...pinned, baselineCli, ...args] : undefined;
      const floorArgs = [floor, model, data];
      // The floor again with the V8 flags the CLI sets for itself (src/cli/main.ts): what the tuning alone buys.
      const tunedArgs = [...CLI_V8_FLAGS, floor, model, data];
      timed(floorArgs);
      timed(quantize);
      if (baseline) timed(baseline);
      const q: Run[] = [];
      const b: Run[] = [];
      const f: Run[] = [];
      const ft: Run[] = [];
      const withSelf = (r: Run & { stdout: string }): Run => {
        const self = /Time: ([\d.]+) s/.exec(r.stdout);
        return { wall: r.wall, cpu: r.cpu, load: r.load, ...(self ? { selfReported: Number(self[1]) * 1000 } : {}) };
      };
      for (let i = 0; i < repeats; i++) {
        f.push(timed(floorArgs));
        ft.push(timed(tunedArgs));
        // Which of the two commands goes first alternates, so that neither always follows the floor.
        const order = baseline && i % 2 ? [baseline, quantize] : [quantize, ...(baseline ? [baseline] : [])];
        for (const cmd of order) (cmd === quantize ? q : b).push(withSelf(timed(cmd)));
      }
      const fc = median(f.map((x) => x.cpu));
      const fw = median(f.map((x) => x.wall));
      const rows = (label: string, runs: Run[]) => {
        const qc = median(runs.map((x) => x.cpu));
        const qw = median(runs.map((x) => x.wall));
        const selfMs = median(runs.map((x) => x.selfReported ?? NaN));
        const ratio = qc / fc;
        report(`(d) tinyml quantize ${name} (${count} samples)${label}, CPU`, `${qc.toFixed(0)} ms`,
          `floor ${fc.toFixed(0)} ms, ratio ${ratio.toFixed(2)} (target ≤ 1.5) ${ratio <= 1.5 ? 'PASS' : 'FAIL'}; ${loads(runs)}, floor's ${loads(f)}; `
          + `wall ${qw.toFixed(0)} vs ${fw.toFixed(0)} ms (ratio ${(qw / fw).toFixed(2)}); self-reported Time: ${selfMs.toFixed(0)} ms of ${qw.toFixed(0)} ms wall; `
          + `floor with the CLI's V8 flags ${median(ft.map((x) => x.cpu)).toFixed(0)} ms CPU (ratio ${(qc / median(ft.map((x) => x.cpu))).toFixed(2)})`);
        // Wall time is what a user waits: the floor keeps more than one core busy (V8's background threads), the
        // command about one, so on a quiet machine the wall ratio can be over where the CPU ratio is under.
        report(`(d) tinyml quantize ${name} (${count} samples)${label}, wall`, `${qw.toFixed(0)} ms`,
          `floor ${fw.toFixed(0)} ms, ratio ${(qw / fw).toFixed(2)} (target ≤ 1.5) ${qw / fw <= 1.5 ? 'PASS' : 'FAIL'}; ${loads(runs)}; cores busy: command ${(qc / qw).toFixed(2)}, floor ${(fc / fw).toFixed(2)} (CPU / wall)`);
      };
      rows('', q);
      if (b.length) rows(', baseline CLI', b);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) main().catch((e) => { console.error(e); process.exitCode = 1; });
