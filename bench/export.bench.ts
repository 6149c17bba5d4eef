/**
 * C array export of the 27.7 MB MediaPipe pose model against `xxd -i` of the same file, in the same run.
 * Both read the .tflite and write a C file to the same temporary folder; the figure that counts is the median of
 * several runs of each. Target >= 1x xxd's speed, goal 2x. Also shows the whole `tinyml export` command (which
 * additionally parses and validates the model, estimates its arena and detects the project).
 */
import { timeMedian } from './harness';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runExport } from '../src/cli/commands/export';
import { generateCArraySource, sha256Hex } from '../src/core/codegen';
import { POSE_HEAVY } from '../test/helpers/paths';
import { mb, ms, report } from './harness';

const RUNS = 5;

/** Median of RUNS timed runs after one warm-up (page cache, JIT). */
const median = (fn: () => void): number => timeMedian(fn, { warmup: 1, runs: RUNS });

export async function main(): Promise<void> {
  if (!fs.existsSync(POSE_HEAVY)) {
    console.log('export bench skipped: node_modules/@mediapipe/pose is not installed (npm install)');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyml-export-bench-'));
  try {
    const size = fs.statSync(POSE_HEAVY).size;
    const ours = median(() => {
      const bytes = fs.readFileSync(POSE_HEAVY);
      const src = generateCArraySource(bytes, {
        modelPath: 'pose_landmark_heavy.tflite', sha256: sha256Hex(bytes), byteSize: bytes.length, date: new Date(),
      });
      fs.writeFileSync(path.join(dir, 'model_data.cc'), src);
    });
    report('C array: read + sha256 + format + write', ms(ours), `pose_landmark_heavy.tflite, ${mb(size)}`);

    const haveXxd = spawnSync('xxd', ['-v']).status === 0 || spawnSync('which', ['xxd']).status === 0;
    if (haveXxd) {
      const xxd = median(() => {
        const r = spawnSync('xxd', ['-i', POSE_HEAVY, path.join(dir, 'xxd.c')]);
        if (r.status !== 0) throw new Error(`xxd failed: ${r.stderr.toString()}`);
      });
      report('xxd -i (anchor)', ms(xxd), 'same file, same run');
      const ratio = xxd / ours;
      report('speed vs xxd -i', `${ratio.toFixed(2)}x`, `target >= 1x, goal 2x: ${ratio >= 2 ? 'goal met' : ratio >= 1 ? 'target met' : 'BELOW TARGET'}`);
      const oursSize = fs.statSync(path.join(dir, 'model_data.cc')).size;
      const xxdSize = fs.statSync(path.join(dir, 'xxd.c')).size;
      report('output size (ours / xxd)', mb(oursSize), `${mb(xxdSize)} from xxd`);
    } else {
      console.log('xxd not installed: ratio skipped (apt-get install xxd)');
    }

    const quiet = { stdout: (): void => undefined, stderr: (s: string): void => { process.stderr.write(s); } };
    const cliTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const code = await runExport([POSE_HEAVY, '--out', path.join(dir, `cli-${i}`), '--project-type', 'folder'], quiet);
      cliTimes.push(performance.now() - t0);
      if (code !== 0) throw new Error(`tinyml export exited ${code}`);
    }
    const cli = cliTimes.sort((a, b) => a - b)[1]!;
    report('tinyml export (whole command)', ms(cli), 'adds parse + validate + arena estimate + detection');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void main();
