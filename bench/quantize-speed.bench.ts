/**
 * Issue 11 item 5: the whole `tinyml quantize` command (process start to files written, report and recipe search
 * included, default options) against the floor, a fresh process that loads LiteRT and runs the float model over the
 * same calibration file (quantize-floor.ts), both spawned in this run, alternating, 5 times each after a warm-up.
 * The figures are the medians of the child's CPU time (user + system, from /usr/bin/time): on a shared machine other
 * processes swing wall time by 2-3x between identical runs. Wall time is printed beside it. Target: ratio ≤ 1.5.
 * ResNet-8's command takes a second thread for part of LiteRT's passes (src/core/quantize/forward-helper.ts) only
 * while the 1-minute load average is below the cores: run this on a quiet machine, or its figures are one thread's.
 * Sets: hello_world on 500 sine points, ad01 on 500 spectrogram-like inputs, ResNet-8 on 200 image-like inputs
 * (synthetic-data.ts), each written as one .npy file. The same command with `--weight-rounding nearest` runs in the
 * same rotation: what the GPTQ rounding candidate (its moments in the calibration pass, one factorization per layer,
 * one more candidate scored) costs.
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

interface Run { wall: number; cpu: number; selfReported?: number }

const TIME = '/usr/bin/time';

/** Runs `args` under /usr/bin/time; CPU seconds from its report, wall from here. */
function timed(args: string[]): Run & { stdout: string } {
  const file = path.join(os.tmpdir(), `tinyml-bench-time-${process.pid}.txt`);
  const t0 = performance.now();
  const r = spawnSync(TIME, ['-f', '%U %S', '-o', file, process.execPath, ...args], { encoding: 'utf8' });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [u, s] = fs.readFileSync(file, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  fs.rmSync(file, { force: true });
  return { wall, cpu: (u! + s!) * 1000, stdout: r.stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

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
  try {
    for (const [name, rel, shape, make, count] of sets) {
      const values = new Float32Array(count * shape.reduce((a, b) => a * b, 1));
      const per = values.length / count;
      for (let i = 0; i < count; i++) values.set(make(), i * per);
      const data = path.join(dir, `${name}.npy`);
      fs.writeFileSync(data, writeNpy([count, ...shape], values));
      const model = sharedModel(rel);
      const out = path.join(dir, `${name}_int8.tflite`);
      const quantize = [cli, 'quantize', model, '--data', data, '-o', out, '--report', path.join(dir, `${name}.json`), '--force'];
      const floorArgs = [floor, model, data];
      // The floor again with the V8 flags the CLI sets for itself (src/cli/main.ts): what the tuning alone buys.
      const tunedArgs = [...CLI_V8_FLAGS, floor, model, data];
      timed(floorArgs);
      timed(quantize);
      const q: Run[] = [];
      const f: Run[] = [];
      const ft: Run[] = [];
      for (let i = 0; i < repeats; i++) {
        f.push(timed(floorArgs));
        ft.push(timed(tunedArgs));
        const r = timed(quantize);
        const self = /Time: ([\d.]+) s/.exec(r.stdout);
        q.push({ ...r, ...(self ? { selfReported: Number(self[1]) * 1000 } : {}) });
      }
      const qc = median(q.map((x) => x.cpu));
      const fc = median(f.map((x) => x.cpu));
      const qw = median(q.map((x) => x.wall));
      const fw = median(f.map((x) => x.wall));
      const selfMs = median(q.map((x) => x.selfReported ?? NaN));
      const ratio = qc / fc;
      report(`(d) tinyml quantize ${name} (${count} samples), CPU`, `${qc.toFixed(0)} ms`,
        `floor ${fc.toFixed(0)} ms, ratio ${ratio.toFixed(2)} (target ≤ 1.5) ${ratio <= 1.5 ? 'PASS' : 'FAIL'}; `
        + `wall ${qw.toFixed(0)} vs ${fw.toFixed(0)} ms (ratio ${(qw / fw).toFixed(2)}); self-reported Time: ${selfMs.toFixed(0)} ms of ${qw.toFixed(0)} ms wall; `
        + `floor with the CLI's V8 flags ${median(ft.map((x) => x.cpu)).toFixed(0)} ms CPU (ratio ${(qc / median(ft.map((x) => x.cpu))).toFixed(2)})`);
      // Wall time is what a user waits: the floor keeps more than one core busy (V8's background threads), the command
      // about one, so on a quiet machine the wall ratio can be over where the CPU ratio is under.
      report(`(d) tinyml quantize ${name} (${count} samples), wall`, `${qw.toFixed(0)} ms`,
        `floor ${fw.toFixed(0)} ms, ratio ${(qw / fw).toFixed(2)} (target ≤ 1.5) ${qw / fw <= 1.5 ? 'PASS' : 'FAIL'}; cores busy: command ${(qc / qw).toFixed(2)}, floor ${(fc / fw).toFixed(2)} (CPU / wall)`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) main().catch((e) => { console.error(e); process.exitCode = 1; });
