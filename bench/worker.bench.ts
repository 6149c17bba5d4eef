/**
 * The job workers keep the extension host free (budget: nothing blocks it more than 50 ms). Measured in this run:
 * the host's longest event-loop stall while the export worker plans pose_landmark_heavy (27.7 MB: read, estimate,
 * format the C array) and while the quantize worker calibrates a conv model, each next to its anchor, the same work
 * done on the host thread itself (how long the host would have been blocked without the worker).
 * The unit tests (export-ui-worker, quantize-ui-worker) check the same runs' behaviour; the figures live here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { seededRandom, writeNpy } from '../src/core/data/index';
import { folderTarget, planJob, type PlanJob } from '../src/extension/export/export-job';
import { runInWorker } from '../src/extension/export/worker-client';
import { quantizeJob, type QuantizeJob } from '../src/extension/quantize/quantize-job';
import { runQuantizeWorker } from '../src/extension/quantize/worker-client';
import { POSE_HEAVY } from '../test/helpers/paths';
import { buildSlowCalibrationConvModel } from '../test/helpers/sample-models';
import { ms, report } from './harness';

const HOST_BUDGET_MS = 50;

/** The host's longest event-loop stall while `work` runs, and the work's wall time. */
async function hostStall(work: () => Promise<unknown>): Promise<{ stallMs: number; wallMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const t0 = performance.now();
  await work();
  const wallMs = performance.now() - t0;
  h.disable();
  return { stallMs: h.max / 1e6, wallMs };
}

const verdict = (stallMs: number) => (stallMs < HOST_BUDGET_MS ? `within the ${HOST_BUDGET_MS} ms budget` : `OVER the ${HOST_BUDGET_MS} ms budget`);

export async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyml-worker-bench-'));
  try {
    if (fs.existsSync(POSE_HEAVY)) {
      const job: PlanJob = {
        kind: 'plan', modelFsPath: POSE_HEAVY, modelDisplayPath: 'pose_landmark_heavy.tflite', rootFsPath: dir, project: folderTarget(dir).project,
        symbol: 'g_model', lang: 'cpp', boilerplate: true, target: 'cortex-m', marginPercent: 20,
      };
      const onHost = performance.now();
      planJob(job);
      const anchor = performance.now() - onHost;
      const inWorker = await hostStall(() => runInWorker(job));
      report('export plan, pose (27.7 MB): host stall', ms(inWorker.stallMs), `${verdict(inWorker.stallMs)}; the same plan on the host blocks it ${ms(anchor)} (worker wall ${ms(inWorker.wallMs)})`);
    } else {
      console.log('export part skipped: node_modules/@mediapipe/pose is not installed');
    }

    fs.writeFileSync(path.join(dir, 'conv.tflite'), buildSlowCalibrationConvModel());
    const n = 60;
    const r = seededRandom(5);
    fs.writeFileSync(path.join(dir, 'images.npy'), writeNpy([n, 48, 48, 3], Float32Array.from({ length: n * 48 * 48 * 3 }, () => r())));
    const job: QuantizeJob = { kind: 'quantize', model: path.join(dir, 'conv.tflite'), data: path.join(dir, 'images.npy'), mode: 'int8', io: 'int8', calibration: 'minmax' };
    // The anchor: the longest single forward pass on the host is what the host would stall on without the worker.
    const onHost = await hostStall(() => quantizeJob(job));
    const inWorker = await hostStall(() => runQuantizeWorker(job));
    report(`quantize int8, ${n} calibration samples: host stall`, ms(inWorker.stallMs),
      `${verdict(inWorker.stallMs)}; on the host it stalls ${ms(onHost.stallMs)} (wall ${ms(onHost.wallMs)} there, ${ms(inWorker.wallMs)} in the worker)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
