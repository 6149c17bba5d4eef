/**
 * Worker-thread entry of the forward helper (forward-helper.ts; bundled as dist/forward-worker.js). Its own LiteRT,
 * started at once, or the TFLite Micro reference evaluator runs the batches of a pass that it claims (ClaimOrder).
 * Each batch's outputs go back as copies, moved not cloned.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initRuntime, loadRuntimeModel, setLiteRtDirectory, setLiteRtWasmModule, type RuntimeModel, type RuntimeTypedArray } from '../runtime/index';
import { readModel } from '../tflite/index';
import { TflmReference, type TflmValues } from './tflm-reference';
import type { ForwardInit, ForwardReply, ForwardRequest, ForwardWorkerData } from './forward-helper';

const port = parentPort;
if (port) {
  const data = workerData as ForwardWorkerData;
  if (data.liteRtDir) setLiteRtDirectory(data.liteRtDir);
  const post = (m: ForwardReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  // Started on the first message (the caller's compiled wasm), before the first pass arrives: the caller's own start
  // and calibration check overlap it.
  let init!: (m: ForwardInit) => void;
  const ready = new Promise<ForwardInit>((resolve) => { init = resolve; }).then(async ({ wasm }) => {
    if (wasm) setLiteRtWasmModule(wasm);
    await initRuntime();
    post({ ready: true });
  });
  // Passes run one after another, in the order they were sent.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (m: ForwardRequest | ForwardInit) => {
    if ('wasm' in m) return init(m);
    queue = queue.then(() => runPass(m)).catch(() => undefined);
  });

  // The model of the last pass stays loaded: the next pass (the next stretch of the same pass) often runs it too.
  let loaded: { key: number; model: RuntimeModel } | undefined;
  let reference: { key: number; evaluator: TflmReference } | undefined;
  // The bytes of the last model sent, loaded only when this worker gets a batch of it to run.
  let sent: { key: number; bytes: Uint8Array } | undefined;
  async function runPass(m: ForwardRequest): Promise<void> {
    const claims = new Int32Array(m.claims);
    if (m.model) sent = { key: m.modelKey, bytes: m.model };
    try {
      await ready;
      // The caller already claimed the whole stretch (this worker was busy or slow to start): nothing to load.
      if (claims.every((_, k) => Atomics.load(claims, k) !== 0)) {
        post({ pass: m.pass, done: true });
        return;
      }
      const bytes = () => {
        if (sent?.key !== m.modelKey) throw new Error(`model ${m.modelKey} was not sent`);
        return sent.bytes;
      };
      let run: (inputs: RuntimeTypedArray[]) => RuntimeTypedArray[];
      if (m.runner === 'tflm') {
        if (reference?.key !== m.modelKey) reference = { key: m.modelKey, evaluator: TflmReference.create(readModel(bytes())) };
        const evaluator = reference.evaluator;
        // Its outputs may be arrays it keeps (a constant): copied, not moved.
        run = (inputs) => evaluator.run(inputs as TflmValues[]).map((o) => o.slice());
      } else {
        if (loaded?.key !== m.modelKey) {
          loaded?.model.dispose();
          loaded = undefined;
          loaded = { key: m.modelKey, model: await loadRuntimeModel(bytes(), { name: m.name, model: 'checked' }) };
        }
        const model = loaded.model;
        run = (inputs) => model.run(inputs);
      }
      const n = m.batches.length;
      for (let i = 0; i < n; i++) {
        const k = m.order === 'back' ? n - 1 - i : i;
        if (Atomics.compareExchange(claims, k, 0, 2) !== 0) {
          // From the back the caller claims from the front: once a batch is taken, every batch before it is too.
          if (m.order === 'back') break;
          continue;
        }
        const t0 = performance.now();
        const outputs = run(m.batches[k]!);
        const ms = performance.now() - t0;
        post({ pass: m.pass, batch: k, outputs, ms }, outputs.map((o) => o.buffer as ArrayBuffer));
      }
      post({ pass: m.pass, done: true });
    } catch (e) {
      // The caller runs whatever this worker claimed and did not answer.
      post({ pass: m.pass, failed: e instanceof Error ? e.message : String(e) });
    }
  }
}
