/**
 * Issue 11 item 6: how far real TFLite Micro (reference kernels) and LiteRT disagree on the same int8 model, ours
 * against the TF converter's int8 model of the same network (the anchor, in the same run). Not part of `npm run bench`'s
 * default set: it needs a TFLite Micro build (../shared/tflm/README.md).
 *
 *   TFLM_OUT=<tflm build> TINYML_TFLM_COMPARE=<copy>/tflm/compare.mjs \
 *   TINYML_BENCH_KWS=<dir>/kws_ref_model_float32.tflite node out/bench/tflm-divergence.bench.js
 *
 * compare.mjs must sit in a copy of ../shared with node_modules beside it (it imports ../runtime-examples). The KWS
 * hybrid model comes from MLPerf Tiny's repository (benchmark/training/keyword_spotting/trained_models/); its int8
 * anchor `kws_ref_model.tflite` is read from the same folder. Data are synthetic (the generators of quantize.bench.ts):
 * calibration seed 7, selection seed 9, the compared inputs seed 8. TINYML_DIVERGENCE_KEEP=DIR keeps the models and
 * inputs for re-running compare.mjs by hand; TINYML_TFLM_VARIANT=arm uses the 32-bit Arm build under qemu-arm;
 * TINYML_DIVERGENCE_N (default 50) inputs per model; TINYML_DIVERGENCE_N2 (default 500, 0 = none) inputs of a second
 * draw (seed 11), printed beside the first because a maximum over few inputs rests on a few rare flips;
 * TINYML_DIVERGENCE_ONLY=name runs one case. Beside each maximum the bench prints it in real units (one output LSB of
 * ours and of TF's model are different amounts), for hello_world the maximum over every input code it can receive,
 * and per layer the share of values each layer's TFLM kernel computes differently from LiteRT on the same inputs.
 * hello_world's verdict comes from every input code (its input is one int8 value: the codes are its whole input
 * domain, so that maximum is exact); its seed-8 and both-draws lines are printed beside it as samples of those codes.
 * TINYML_DIVERGENCE_ONLY=kernels instead checks each kernel of the reference evaluator against the probe (needs only
 * TFLM_OUT): the models of test/helpers/tflm-kernel-models.ts, TINYML_KERNELS_N (default 20) inputs each
 * (TINYML_KERNELS_SET=cmsis-nn quantizes them for the CMSIS-NN kernels, to run against a CMSIS-NN build;
 * TINYML_KERNELS_IO=float writes them with float inputs and outputs, `--io float`, the probe fed float32 bytes);
 * TINYML_DIVERGENCE_ONLY=tflm-models does the same on the integer models of the TFLite Micro repository in
 * ../shared/models/tflm (TF converter files: the seanet single-operator models and the examples).
 */
import { mulberry32 as rng } from '../src/core/common/seeded-random';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Dataset } from '../src/core/data/dataset';
import { writeNpy } from '../src/core/data/npy';
import { evaluateQuantization, quantizeModel } from '../src/core/quantize/index';
import { TflmReference, type TflmValues } from '../src/core/quantize/tflm-reference';
import { toTensorArray } from '../src/core/quantize/tensor-io';
import { recipeLabel } from '../src/core/quantize/report-text';
import { initRuntime, loadRuntimeModel, outputTensorIndices, withExtraOutputs } from '../src/core/runtime/index';
import { BuiltinOperator, TensorType, elementCount, isConstant, loadModel, writeModel, type Model } from '../src/core/tflite/index';
import { typeRange } from '../src/core/quantize/tflm-kernels/common';
import { HAS_SHARED, sharedModel } from '../test/helpers/paths';
import { kernelModels } from '../test/helpers/tflm-kernel-models';
import { report } from './harness';
import { dataset, imageLike, mfccLike, spectrogramLike } from './synthetic-data';

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
export function evaluatorVsProbe(file: string, model: Model, test: Dataset, dir: string): { differ: number; values: number } {
  const sg = model.subgraphs[0]!;
  return rawVsProbe(file, model, test.samples.map((s) => sg.inputs.map((t, k) => toTensorArray(sg.tensors[t]!, s[k]!) as TflmValues)), dir);
}

/**
 * Where the two runtimes part, layer by layer: each layer's TFLite Micro kernel (the reference evaluator, bit-exact with
 * the real build) run on LiteRT's own inputs to that layer, against LiteRT's output of that layer. This is the
 * disagreement each layer adds by itself (TFLM rounds twice in MultiplyByQuantizedMultiplier, XNNPACK once in fp32),
 * before later layers amplify it; the end-to-end maximum is what the amplification makes of these few flips.
 * Returns, per operator, the share of its output values that differ (NaN for an operator the evaluator lacks).
 */
export async function layerDisagreement(bytes: Uint8Array, inputs: readonly (Int8Array | Int16Array)[][]): Promise<number[]> {
  const model = loadModel(bytes).model;
  const sg = model.subgraphs[0]!;
  const computed = sg.operators.map((o) => o.outputs[0]!).filter((t) => !sg.outputs.includes(t));
  const extended = withExtraOutputs(model, computed);
  const runtime = await loadRuntimeModel(writeModel(extended));
  try {
    const order = outputTensorIndices(extended, runtime.outputs.map((o) => o.name));
    // One single-operator model per layer; its activation inputs come from LiteRT.
    const layers = sg.operators.map((op) => {
      const ins = op.inputs.filter((t) => t >= 0 && !isConstant(model, sg.tensors[t]!));
      const one: Model = { ...model, subgraphs: [{ ...sg, inputs: ins, outputs: [op.outputs[0]!], operators: [op] }] };
      return { ins, ref: TflmReference.unsupported(one) ? undefined : TflmReference.create(one), differ: 0, values: 0 };
    });
    for (const x of inputs) {
      const got = runtime.run(x);
      const lite = new Map<number, ArrayLike<number>>();
      order.forEach((t, i) => lite.set(t, got[i] as Int8Array | Int16Array));
      sg.inputs.forEach((t, i) => lite.set(t, x[i]!));
      sg.operators.forEach((op, k) => {
        const l = layers[k]!;
        if (!l.ref) return;
        const y = l.ref.run(l.ins.map((t) => lite.get(t) as Int8Array));
        const want = lite.get(op.outputs[0]!)!;
        for (let i = 0; i < want.length; i++) if (want[i] !== y[0]![i]) l.differ++;
        l.values += want.length;
      });
    }
    return layers.map((l) => (l.ref ? l.differ / l.values : NaN));
  } finally {
    runtime.dispose();
  }
}

/**
 * Where an end-to-end difference is born: for each start operator k, TFLite Micro's kernels (the reference evaluator,
 * bit-exact with the real build) run operators k… on LiteRT's own values of every tensor computed before k, and the
 * result is compared with LiteRT's. Start 0 is the whole model on TFLM; the SOFTMAX's index is that kernel alone on
 * identical int8 logits. Returns, per start, each input's largest |TFLM − LiteRT| in steps of `tensor` (default: the
 * first output).
 */
export async function divergenceFromOp(bytes: Uint8Array, inputs: readonly (Int8Array | Int16Array)[][], starts: readonly number[], tensor?: number): Promise<number[][]> {
  const model = loadModel(bytes).model;
  const sg = model.subgraphs[0]!;
  const target = tensor ?? sg.outputs[0]!;
  const computed = sg.operators.map((o) => o.outputs[0]!).filter((t) => !sg.outputs.includes(t));
  const extended = withExtraOutputs(model, computed);
  const runtime = await loadRuntimeModel(writeModel(extended));
  try {
    const order = outputTensorIndices(extended, runtime.outputs.map((o) => o.name));
    const suffixes = starts.map((k) => {
      const later = sg.operators.slice(k);
      const made = new Set(later.map((o) => o.outputs[0]!));
      const ins = [...new Set(later.flatMap((o) => o.inputs.filter((t) => t >= 0 && !made.has(t) && !isConstant(model, sg.tensors[t]!))))];
      return { ins, ref: TflmReference.create({ ...model, subgraphs: [{ ...sg, inputs: ins, outputs: [target], operators: later }] }) };
    });
    const out = starts.map(() => [] as number[]);
    for (const x of inputs) {
      const got = runtime.run(x);
      const lite = new Map<number, ArrayLike<number>>();
      order.forEach((t, i) => lite.set(t, got[i] as Int8Array | Int16Array));
      sg.inputs.forEach((t, i) => lite.set(t, x[i]!));
      const want = lite.get(target)!;
      suffixes.forEach((sfx, j) => {
        const y = sfx.ref.run(sfx.ins.map((t) => lite.get(t) as Int8Array))[0]!;
        let d = 0;
        for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(want[i]! - y[i]!));
        out[j]!.push(d);
      });
    }
    return out;
  } finally {
    runtime.dispose();
  }
}

/**
 * How much a maximum over a few inputs rests on chance: the inputs resampled with replacement (the same indices for
 * both models, seeded), and the share of resamples in which ours ≤ TF's + 1 holds.
 */
export function pairedBootstrapOfMax(ours: readonly number[], tf: readonly number[], resamples = 2000, seed = 5): number {
  const r = rng(seed);
  const n = ours.length;
  let pass = 0;
  for (let b = 0; b < resamples; b++) {
    let mo = 0, mt = 0;
    for (let i = 0; i < n; i++) {
      const k = Math.floor(r() * n);
      mo = Math.max(mo, ours[k]!);
      mt = Math.max(mt, tf[k]!);
    }
    if (mo <= mt + 1) pass++;
  }
  return pass / resamples;
}

/** Per-input maxima in one phrase: mean, 90th percentile, and the three largest. */
export function describePerInput(d: readonly number[]): string {
  const s = [...d].sort((a, b) => b - a);
  return `mean ${(d.reduce((a, b) => a + b, 0) / d.length).toFixed(2)}, 90th percentile ${s[Math.floor(0.1 * (s.length - 1))]}, largest ${s.slice(0, 3).join(', ')}`;
}

/** Per-layer disagreement shares in one line: all of them for a short model, else the mean and the worst. */
function describeLayers(shares: number[]): string {
  const known = shares.map((s, k) => [s, k] as const).filter(([s]) => !Number.isNaN(s));
  const pct = (s: number) => `${(100 * s).toFixed(2)}%`;
  if (known.length <= 12) return known.map(([s, k]) => `#${k} ${pct(s)}`).join(' ');
  const worst = known.reduce((a, b) => (b[0] > a[0] ? b : a));
  return `mean ${pct(known.reduce((a, [s]) => a + s, 0) / known.length)} over ${known.length} layers, worst #${worst[1]} ${pct(worst[0])}`;
}

/** The output scale of a model's first output (real units of one output LSB). */
function outputScale(bytes: Uint8Array): number {
  const sg = loadModel(bytes).model.subgraphs[0]!;
  return sg.tensors[sg.outputs[0]!]!.quantization?.scale[0] ?? 1;
}

/**
 * Each kernel of the evaluator against the real build: small float models built here with one family of operators
 * each, quantized by our quantizer (int8, and int16x8 where TFLite Micro has the kernel), run through the probe and
 * the evaluator on the same input bytes. Every output byte must agree.
 */
async function kernelCoverage(dir: string): Promise<void> {
  const N = Number(process.env['TINYML_KERNELS_N'] ?? 20);
  // The kernel set the models are quantized for (the firmware's, --kernels): with a CMSIS-NN build as TFLM_OUT,
  // TINYML_KERNELS_SET=cmsis-nn checks what the quantizer writes around that set's limits (int16-kernels.ts).
  const kernels = process.env['TINYML_KERNELS_SET'] === 'cmsis-nn' ? 'cmsis-nn' as const : 'reference' as const;
  // --io float: a QUANTIZE after each input and a DEQUANTIZE before each output, which a target search rewrites.
  const io = process.env['TINYML_KERNELS_IO'] === 'float' ? 'float' as const : 'int8' as const;
  const variant = [kernels === 'reference' ? '' : kernels, io === 'float' ? '--io float' : ''].filter(Boolean).join(', ');
  for (const c of kernelModels()) {
    for (const mode of c.modes) {
      const r = rng(3);
      const data: Dataset = dataset('synthetic, seed 3', c.shape, 200, () => Float32Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, () => c.range[0] + (c.range[1] - c.range[0]) * r()));
      const t = rng(5);
      const test: Dataset = dataset('synthetic, seed 5', c.shape, N, () => Float32Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, () => c.range[0] - 0.2 + (c.range[1] - c.range[0] + 0.4) * t()));
      const label = `  kernels: ${c.name} (${[mode, variant].filter(Boolean).join(', ')})`;
      let q;
      try {
        const source = c.hybridSource ? (await quantizeModel(c.model, data, { mode: 'dynamic', dynamicMinElements: 0 })).model : c.model;
        q = await quantizeModel(source, data, { mode, io, calibration: 'minmax', build: { kernels }, ...(c.targetSqnrDb ? { targetSqnrDb: c.targetSqnrDb, heldOut: data } : {}) });
      } catch (err) {
        report(label, 'not quantized', (err as Error).message.slice(0, 240));
        continue;
      }
      const model = loadModel(q.bytes).model;
      const ops = [...new Set(model.subgraphs[0]!.operators.map((o) => {
        const code = model.operatorCodes[o.opcodeIndex]!.builtinCode;
        const sg = model.subgraphs[0]!;
        const out = sg.tensors[o.outputs[0]!]!.type;
        const tag = sg.tensors[o.inputs[0]!]?.type === TensorType.INT16 || out === TensorType.INT16 ? '/16'
          : out === TensorType.FLOAT32 && code !== BuiltinOperator.DEQUANTIZE ? '/f' : '';
        return `${BuiltinOperator[code]}${tag}`;
      }))].join(' ');
      const why = TflmReference.unsupported(model);
      if (why) { report(label, 'not covered', `${why}; operators ${ops}`); continue; }
      const file = path.join(dir, `kernels_${c.name}_${mode}_${io}.tflite`);
      fs.writeFileSync(file, q.bytes);
      let result: string;
      try {
        const e = evaluatorVsProbe(file, model, test, dir);
        result = e.differ === 0 ? `bit-exact on ${e.values} values` : `${e.differ} of ${e.values} values differ`;
      } catch (err) {
        result = `probe failed: ${(err as Error).message.split('\n')[0]!.slice(0, 160)}`;
      }
      report(label, result, `operators ${ops}`);
    }
  }
}

/** Raw input values (one array per model input and record) through the probe and the evaluator: output bytes compared. */
function rawVsProbe(file: string, model: Model, inputs: TflmValues[][], dir: string): { differ: number; values: number } {
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
      const width = y.BYTES_PER_ELEMENT;
      for (let k = 0; k < y.length; k++) if (!bytes.subarray(k * width, (k + 1) * width).equals(got.subarray(off + k * width, off + (k + 1) * width))) differ++;
      values += y.length;
      off += bytes.length;
    }
  }
  return { differ, values };
}

/**
 * The integer models of the TFLite Micro repository (../shared/models/tflm: the seanet single-operator models made by
 * the TF converter, int8 and 16x8, and the example models) through the evaluator and the probe, on random integer
 * inputs over each input type's whole range (TINYML_KERNELS_N records, seed 13). A check of the evaluator on files it
 * did not make: a model with an operator or type it does not cover is listed with the reason. An int32 input that
 * feeds a TRANSPOSE_CONV's output_shape gets that shape, other int32 inputs values within ±2^24.
 */
async function tflmRepositoryModels(dir: string): Promise<void> {
  const N = Number(process.env['TINYML_KERNELS_N'] ?? 20);
  const root = sharedModel('tflm');
  const files = (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.tflite')).sort();
  let exact = 0, differing = 0, failed = 0, uncovered = 0;
  for (const f of files) {
    const file = path.join(root, f);
    const model = loadModel(new Uint8Array(fs.readFileSync(file))).model;
    const sg = model.subgraphs[0]!;
    const types = sg.inputs.map((t) => sg.tensors[t]!.type);
    if (!types.every((t) => t === TensorType.INT8 || t === TensorType.INT16 || t === TensorType.INT32)) continue; // float or unusual inputs
    const why = TflmReference.unsupported(model);
    if (why) { uncovered++; report(`  tflm models: ${f}`, 'not covered', why); continue; }
    const r = rng(13);
    const records = Array.from({ length: N }, () => sg.inputs.map((t): TflmValues => {
      const tensor = sg.tensors[t]!;
      const n = elementCount(tensor.shape);
      if (tensor.type === TensorType.INT32) {
        const reader = sg.operators.find((o) => o.inputs[0] === t && model.operatorCodes[o.opcodeIndex]!.builtinCode === BuiltinOperator.TRANSPOSE_CONV);
        // an output shape, or values of an int32 accumulator (±2^24)
        return Int32Array.from(reader ? sg.tensors[reader.outputs[0]!]!.shape : Array.from({ length: n }, () => Math.floor((r() * 2 - 1) * 2 ** 24)));
      }
      const [lo, hi] = typeRange(tensor.type);
      const a = tensor.type === TensorType.INT16 ? new Int16Array(n) : new Int8Array(n);
      for (let i = 0; i < n; i++) a[i] = lo + Math.floor(r() * (hi - lo + 1));
      return a;
    }));
    let result: string;
    try {
      const e = rawVsProbe(file, model, records, dir);
      result = e.differ === 0 ? `bit-exact on ${e.values} values` : `${e.differ} of ${e.values} values differ`;
      if (e.differ === 0) exact++; else differing++;
    } catch (err) {
      failed++;
      result = `probe failed: ${(err as Error).message.split('\n')[0]!.slice(0, 160)}`;
    }
    const ops = [...new Set(sg.operators.map((o) => BuiltinOperator[model.operatorCodes[o.opcodeIndex]!.builtinCode]))].join(' ');
    report(`  tflm models: ${f}`, result, `operators ${ops}`);
  }
  report('tflm models: evaluator vs the probe', `${exact} bit-exact, ${differing} differ, ${failed} probe failures, ${uncovered} not covered`, 'the integer-input models of ../shared/models/tflm');
}

/**
 * A model with one int8 input value over `domain`: every code of its input tensor whose real value lies in the
 * domain, through real TFLite Micro and LiteRT (the whole input domain, so the maximum is exact, not a sample).
 */
function everyInputCode(script: string, file: string, bytes: Uint8Array, domain: [number, number], shape: number[], npy: string): { result: CompareResult; codes: number } {
  const sg = loadModel(bytes).model.subgraphs[0]!;
  const q = sg.tensors[sg.inputs[0]!]!.quantization!;
  const xs: number[] = [];
  for (let code = -128; code <= 127; code++) {
    const x = q.scale[0]! * (code - q.zeroPoint[0]!);
    if (x >= domain[0] && x <= domain[1]) xs.push(x);
  }
  fs.writeFileSync(npy, writeNpy([xs.length, ...shape.slice(1)], Float32Array.from(xs)));
  return { result: compareOnTflm(script, file, npy, xs.length), codes: xs.length };
}

export async function main(): Promise<void> {
  if (process.env['TINYML_DIVERGENCE_ONLY'] === 'kernels') {
    if (!process.env['TFLM_OUT']) { console.log('kernel coverage: needs TFLM_OUT'); return; }
    await initRuntime();
    const dir = process.env['TINYML_DIVERGENCE_KEEP'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tflm-kern-'));
    fs.mkdirSync(dir, { recursive: true });
    await kernelCoverage(dir);
    return;
  }
  if (process.env['TINYML_DIVERGENCE_ONLY'] === 'tflm-models') {
    if (!process.env['TFLM_OUT'] || !HAS_SHARED) { console.log('TFLM repository models: needs TFLM_OUT and ../shared/models'); return; }
    const dir = process.env['TINYML_DIVERGENCE_KEEP'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tflm-repo-'));
    fs.mkdirSync(dir, { recursive: true });
    await tflmRepositoryModels(dir);
    return;
  }
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
  const N2 = Number(process.env['TINYML_DIVERGENCE_N2'] ?? 500);
  const cases: { name: string; float: string; anchor?: string; shape: number[]; gen: (r: () => number) => () => Float32Array; dynamic?: boolean; domain?: [number, number] }[] = [
    { name: 'hello_world', float: sharedModel('tflm/examples/hello_world/hello_world_float.tflite'), anchor: sharedModel('tflm/examples/hello_world/hello_world_int8.tflite'), shape: [1, 1], gen: sine, domain: [0, 2 * Math.PI] },
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
    const anchorBytes = c.anchor ? new Uint8Array(fs.readFileSync(c.anchor)) : undefined;
    const verdict = (a: number, b: number | undefined) => (b === undefined ? 'n/a' : a <= b + 1 ? 'PASS' : 'FAIL');
    const seedLine = `${describeComparison(o)}; TF converter int8 ${t ? describeComparison(t) : 'n/a'}; target ≤ TF's + 1 ${verdict(om, tm)}; `
      + `chose ${recipeLabel(ours.report.recipe!.chosen)} (${N} synthetic inputs)`;
    // A model whose input is one int8 value has 256 possible inputs: every code of its input tensor in the domain is
    // the whole input domain, so the maximum over them is the exact maximum divergence and gives the verdict; a random
    // draw is only a sample of those codes (printed beside it).
    const exhaustive = c.domain && per === 1 ? {
      ours: everyInputCode(script, oursFile, ours.bytes, c.domain, c.shape, path.join(dir, `${slug}_ours_codes.npy`)),
      tf: c.anchor ? everyInputCode(script, c.anchor, anchorBytes!, c.domain, c.shape, path.join(dir, `${slug}_tf_codes.npy`)) : undefined,
    } : undefined;
    if (exhaustive) {
      const em = exhaustive.ours.result.outputs?.[0]?.max_abs_diff ?? Infinity;
      const et = exhaustive.tf?.result.outputs?.[0]?.max_abs_diff;
      report(`TFLM vs LiteRT: ${c.name}, ours`, `${em} LSB`,
        `over every input code: ${describeComparison(exhaustive.ours.result)}; TF converter int8 ${exhaustive.tf ? describeComparison(exhaustive.tf.result) : 'n/a'}; `
        + `target ≤ TF's + 1 ${verdict(em, et)} (every int8 input code in [${c.domain!.map((v) => v.toFixed(3)).join(', ')}]: ${exhaustive.ours.codes} of ours, `
        + `${exhaustive.tf?.codes ?? 'n/a'} of TF's; the input is one int8 value, so these are all the inputs the model can receive and their maximum is exact)`);
      report(`  ${c.name}: seed 8 draw, ours`, `${om} LSB`, `${seedLine}; a sample of the codes above, not the verdict`);
    } else {
      report(`TFLM vs LiteRT: ${c.name}, ours`, `${om} LSB`, seedLine);
    }
    // The same maxima in real units: one output LSB of ours and of TF's model are different amounts.
    const oursScale = outputScale(ours.bytes), ts = anchorBytes ? outputScale(anchorBytes) : undefined;
    report(`  ${c.name}: the maxima in real units`, `${(om * oursScale).toPrecision(3)}`,
      `ours ${om} × ${oursScale.toPrecision(4)} = ${(om * oursScale).toPrecision(3)} (${ts ? (om * oursScale / ts).toFixed(1) : 'n/a'} LSB of TF's output scale); `
      + `TF converter int8 ${tm ?? 'n/a'} × ${ts?.toPrecision(4) ?? 'n/a'} = ${tm !== undefined && ts ? (tm * ts).toPrecision(3) : 'n/a'}`);
    // A maximum over 100 inputs rests on a few rare flips: a second, larger draw (seed 11) beside it.
    if (N2 > 0) {
      const wide = dataset('synthetic, seed 11', c.shape, N2, c.gen(rng(11)));
      const flat2 = new Float32Array(N2 * per);
      wide.samples.forEach((s, i) => flat2.set(s[0]!, i * per));
      const npy2 = path.join(dir, `${slug}_test_seed11.npy`);
      fs.writeFileSync(npy2, writeNpy([N2, ...c.shape.slice(1)], flat2));
      const o2 = compareOnTflm(script, oursFile, npy2, N2);
      const t2 = c.anchor ? compareOnTflm(script, c.anchor, npy2, N2) : undefined;
      report(`  ${c.name}: second draw, ours`, `${o2.outputs?.[0]?.max_abs_diff ?? 'n/a'} LSB`,
        `${describeComparison(o2)}; TF converter int8 ${t2 ? describeComparison(t2) : 'n/a'} (${N2} synthetic inputs, seed 11)`);
      // Both draws together: the maximum over all N + N2 inputs, against the same target.
      const om2 = Math.max(om, o2.outputs?.[0]?.max_abs_diff ?? Infinity);
      const tm2 = tm !== undefined && t2 ? Math.max(tm, t2.outputs?.[0]?.max_abs_diff ?? Infinity) : undefined;
      report(`  ${c.name}: both draws, ours`, `${om2} LSB`,
        `TF converter int8 ${tm2 ?? 'n/a'} LSB; target ≤ TF's + 1 ${tm2 === undefined ? 'n/a' : verdict(om2, tm2)} (${N + N2} synthetic inputs, seeds 8 and 11)${exhaustive ? '; a sample of the codes above, not the verdict' : ''}`);
    }
    // Where the runtimes part: the share of each layer's values TFLM's kernel computes differently from LiteRT's on
    // the same inputs (N inputs of seed 8).
    const layerInputs = (bytes: Uint8Array) => {
      const sg = loadModel(bytes).model.subgraphs[0]!;
      return test.samples.map((s) => sg.inputs.map((ti, k) => toTensorArray(sg.tensors[ti]!, s[k]!) as Int8Array | Int16Array));
    };
    report(`  ${c.name}: per-layer disagreement, ours`, '', `${describeLayers(await layerDisagreement(ours.bytes, layerInputs(ours.bytes)))}; `
      + `TF converter int8 ${anchorBytes ? describeLayers(await layerDisagreement(anchorBytes, layerInputs(anchorBytes))) : 'n/a'} (each layer's TFLM kernel on LiteRT's inputs to it)`);
    // The evaluator the report uses, against the real build, and the accuracy as each runtime computes it.
    const models: [string, string, Uint8Array][] = [['ours', oursFile, ours.bytes]];
    if (c.anchor) models.push(['TF converter int8', c.anchor, anchorBytes!]);
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
