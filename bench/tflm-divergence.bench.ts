/**
 * Issue 11 item 6: how far real TFLite Micro (reference kernels) and LiteRT disagree on the same int8 model, ours
 * against the TF converter's int8 model of the same network (the anchor, in the same run). Not part of `npm run bench`'s
 * default set: it needs a TFLite Micro build (../shared/tflm/README.md).
 *
 *   TFLM_OUT=/tmp/tflm-build/out TINYML_TFLM_COMPARE=/path/to/tflm/compare.mjs \
 *   TINYML_BENCH_KWS=/path/to/kws_ref_model_float32.tflite node out/bench/tflm-divergence.bench.js
 *
 * compare.mjs must sit in a copy of ../shared with node_modules beside it (it imports ../runtime-examples). The KWS
 * hybrid model comes from MLPerf Tiny's repository (benchmark/training/keyword_spotting/trained_models/); its int8
 * anchor `kws_ref_model.tflite` is read from the same folder. Data are synthetic (the generators of quantize.bench.ts):
 * calibration seed 7, selection seed 9, the compared inputs seed 8. TINYML_DIVERGENCE_KEEP=DIR keeps the models and
 * inputs for re-running compare.mjs by hand; TINYML_TFLM_VARIANT=arm uses the 32-bit Arm build under qemu-arm;
 * TINYML_DIVERGENCE_N (default 50) inputs per model; TINYML_DIVERGENCE_ONLY=name runs one case.
 */
import { mulberry32 as rng } from '../src/core/common/seeded-random';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Dataset } from '../src/core/data/dataset';
import { writeNpy } from '../src/core/data/npy';
import { evaluateQuantization, quantizeModel } from '../src/core/quantize/index';
import { TflmReference } from '../src/core/quantize/tflm-reference';
import { toTensorArray } from '../src/core/quantize/tensor-io';
import { recipeLabel } from '../src/core/quantize/report-text';
import { initRuntime } from '../src/core/runtime/index';
import { loadModel, type Model } from '../src/core/tflite/index';
import { HAS_SHARED, sharedModel } from '../test/helpers/paths';
import { report } from './harness';
import { dataset } from './quantize.bench';
import { imageLike, mfccLike, spectrogramLike } from './synthetic-data';

interface CompareOutput { max_abs_diff: number; fraction_differ: number; elements: number }
export interface CompareResult { records?: number; outputs?: CompareOutput[]; argmax_differ_records_output0?: number; tflm_error?: string; tflm_invoke_error?: string }

/** The TFLite Micro build to compare with: x86_64, or arm (32-bit, -fshort-enums, run under qemu-arm). */
const VARIANT = process.env['TINYML_TFLM_VARIANT'] ?? 'x86_64';

/** compare.mjs on one model: the same quantized inputs through real TFLite Micro and LiteRT. */
export function compareOnTflm(script: string, model: string, npy: string, n: number): CompareResult {
  const out = execFileSync(process.execPath, [script, model, npy, '--n', String(n), '--variant', VARIANT], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split('\n').pop()!) as CompareResult;
}

export function describeComparison(r: CompareResult): string {
  if (!r.outputs) return `TFLM failed: ${(r.tflm_error ?? r.tflm_invoke_error ?? '').slice(0, 120)}`;
  const o = r.outputs[0]!;
  return `max ${o.max_abs_diff} LSB, ${(100 * o.fraction_differ).toFixed(1)}% of ${o.elements} outputs differ, argmax differs in ${r.argmax_differ_records_output0}/${r.records}`;
}

/**
 * Our reference evaluator against the real TFLite Micro build (the probe): the same int8 input bytes, output bytes
 * compared. Returns the number of output values that differ (0 = bit-exact) and how many were compared.
 */
function evaluatorVsProbe(file: string, model: Model, test: Dataset, dir: string): { differ: number; values: number } {
  const sg = model.subgraphs[0]!;
  const inputs = test.samples.map((s) => sg.inputs.map((t, k) => toTensorArray(sg.tensors[t]!, s[k]!) as Int8Array));
  const inBin = path.join(dir, 'probe-in.bin'), outBin = path.join(dir, 'probe-out.bin');
  fs.writeFileSync(inBin, Buffer.concat(inputs.flat().map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
  const probe = path.join(process.env['TFLM_OUT']!, VARIANT, 'probe');
  const [cmd, args] = VARIANT === 'arm' ? ['qemu-arm', ['-L', '/usr/arm-linux-gnueabihf', probe]] : [probe, []];
  execFileSync(cmd, [...args, file, String(256 << 20), inBin, outBin], { stdio: 'ignore' });
  const got = fs.readFileSync(outBin);
  const ref = TflmReference.create(model);
  let off = 0, differ = 0, values = 0;
  for (const x of inputs) {
    for (const y of ref.run(x)) {
      const bytes = Buffer.from(y.buffer, y.byteOffset, y.byteLength);
      for (let k = 0; k < bytes.length; k++) if (bytes[k] !== got[off + k]) differ++;
      values += y.length;
      off += bytes.length;
    }
  }
  return { differ, values };
}

export async function main(): Promise<void> {
  const script = process.env['TINYML_TFLM_COMPARE'];
  if (!HAS_SHARED || !process.env['TFLM_OUT'] || !script) {
    console.log('tflm divergence bench: needs ../shared/models, TFLM_OUT and TINYML_TFLM_COMPARE; nothing to measure.');
    return;
  }
  await initRuntime();
  const keep = process.env['TINYML_DIVERGENCE_KEEP'];
  const dir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tflm-div-'));
  fs.mkdirSync(dir, { recursive: true });
  const N = Number(process.env['TINYML_DIVERGENCE_N'] ?? 50);

  const sine = (r: () => number) => () => new Float32Array([r() * 2 * Math.PI]);
  const cases: { name: string; float: string; anchor?: string; shape: number[]; gen: (r: () => number) => () => Float32Array; dynamic?: boolean }[] = [
    { name: 'hello_world', float: sharedModel('tflm/examples/hello_world/hello_world_float.tflite'), anchor: sharedModel('tflm/examples/hello_world/hello_world_int8.tflite'), shape: [1, 1], gen: sine },
    { name: 'ad01', float: sharedModel('mlperf-tiny/ad01_fp32.tflite'), anchor: sharedModel('mlperf-tiny/ad01_int8.tflite'), shape: [1, 640], gen: spectrogramLike },
    { name: 'pretrainedResnet', float: sharedModel('mlperf-tiny/pretrainedResnet.tflite'), anchor: sharedModel('mlperf-tiny/pretrainedResnet_quant.tflite'), shape: [1, 32, 32, 3], gen: imageLike },
    { name: 'ad01 hybrid (our --mode dynamic) → int8', float: sharedModel('mlperf-tiny/ad01_fp32.tflite'), anchor: sharedModel('mlperf-tiny/ad01_int8.tflite'), shape: [1, 640], gen: spectrogramLike, dynamic: true },
  ];
  const kws = process.env['TINYML_BENCH_KWS'];
  if (kws && fs.existsSync(kws)) {
    const anchor = path.join(path.dirname(kws), 'kws_ref_model.tflite');
    cases.push({ name: 'kws_ref_model_float32 (hybrid) → int8', float: kws, anchor: fs.existsSync(anchor) ? anchor : undefined, shape: [1, 49, 10, 1], gen: mfccLike });
  }
  const only = process.env['TINYML_DIVERGENCE_ONLY'];
  for (const c of cases) {
    if (only && !c.name.startsWith(only)) continue;
    const slug = c.name.split(' ')[0] + (c.dynamic ? '_hybrid' : '');
    let source = loadModel(new Uint8Array(fs.readFileSync(c.float))).model;
    const calibration: Dataset = dataset('synthetic, seed 7', c.shape, 500, c.gen(rng(7)));
    const selection: Dataset = dataset('synthetic, seed 9', c.shape, 100, c.gen(rng(9)));
    if (c.dynamic) source = loadModel((await quantizeModel(source, calibration, { mode: 'dynamic' })).bytes).model;
    const ours = await quantizeModel(source, calibration, { heldOut: selection });
    const oursFile = path.join(dir, `${slug}_ours.tflite`);
    fs.writeFileSync(oursFile, ours.bytes);
    const test = dataset('synthetic, seed 8', c.shape, N, c.gen(rng(8)));
    const per = test.samples[0]![0]!.length;
    const flat = new Float32Array(N * per);
    test.samples.forEach((s, i) => flat.set(s[0]!, i * per));
    const npy = path.join(dir, `${slug}_test.npy`);
    fs.writeFileSync(npy, writeNpy([N, ...c.shape.slice(1)], flat));
    const o = compareOnTflm(script, oursFile, npy, N);
    const t = c.anchor ? compareOnTflm(script, c.anchor, npy, N) : undefined;
    const om = o.outputs?.[0]?.max_abs_diff ?? Infinity;
    const tm = t?.outputs?.[0]?.max_abs_diff;
    report(`TFLM vs LiteRT: ${c.name}, ours`, `${om} LSB`,
      `${describeComparison(o)}; TF converter int8 ${t ? describeComparison(t) : 'n/a'}; target ≤ TF's + 1 ${tm === undefined ? 'n/a' : om <= tm + 1 ? 'PASS' : 'FAIL'}; `
      + `chose ${recipeLabel(ours.report.recipe!.chosen)} (${N} synthetic inputs)`);
    // The evaluator the report uses, against the real build, and the accuracy as each runtime computes it.
    const models: [string, string, Uint8Array][] = [['ours', oursFile, ours.bytes]];
    if (c.anchor) models.push(['TF converter int8', c.anchor, new Uint8Array(fs.readFileSync(c.anchor))]);
    const reference = new Uint8Array(fs.readFileSync(c.float));
    for (const [who, file, bytes] of models) {
      const m = loadModel(bytes).model;
      const exact = evaluatorVsProbe(file, m, test, dir);
      const acc = await evaluateQuantization(reference, bytes, test, {}, { tflmSamples: N });
      const lr = acc.outputs[0]!, tf = acc.tflm?.outputs[0];
      const top1 = acc.top1Agreement !== undefined ? `; top-1 LiteRT ${(100 * acc.top1Agreement).toFixed(1)}% TFLM ${(100 * acc.tflm!.top1Agreement!).toFixed(1)}%` : '';
      report(`  ${c.name}, ${who}: SQNR LiteRT / TFLM`, `${lr.sqnrDb.toFixed(2)} / ${tf ? tf.sqnrDb.toFixed(2) : 'n/a'} dB`,
        `vs the ${c.name.startsWith('kws') ? 'hybrid' : 'float'} model${top1}; reference evaluator vs real TFLM: ${exact.differ === 0 ? 'bit-exact' : `${exact.differ} of ${exact.values} values differ`} on ${exact.values} values`);
    }
  }
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
}

if (require.main === module) main().catch((e) => { console.error(e); process.exitCode = 1; });
