/** Single-file datasets: .npy, .npz, .csv, .json. Each returns one sample list per model input. */
import type { InputSpec } from './dataset';
import type { InputSamples } from './assemble';
import { DatasetError } from './errors';
import { matchInputs, plainInputName } from './match-inputs';
import { readNpy } from './npy';
import { elementCount } from '../tflite/tensor-types';
import { coreShape, describeInput, formatShape, splitBatch } from './shape-fit';
import { listZipEntries, readZipEntry } from './zip';

const batchOrigin = (file: string) => (i: number) => `${file}, sample ${i}`;

function onlyOneInput(inputs: readonly InputSpec[], file: string, kind: string): InputSpec {
  if (inputs.length !== 1) {
    throw new DatasetError('unsupported', file, `${file}: a ${kind} file feeds one input, and the model has ${inputs.length} (${inputs.map((i) => `'${plainInputName(i.name)}'`).join(', ')}): use an .npz or .json with one array per input name, or a folder with one sub-folder per input.`);
  }
  return inputs[0]!;
}

export function loadNpyFile(bytes: Uint8Array, inputs: readonly InputSpec[], file: string): InputSamples[] {
  const input = onlyOneInput(inputs, file, '.npy');
  const arr = readNpy(bytes, file);
  return [{ samples: splitBatch(arr.data, arr.shape, input, file), origin: batchOrigin(file), file }];
}

export function loadNpzFile(bytes: Uint8Array, inputs: readonly InputSpec[], file: string): InputSamples[] {
  const entries = listZipEntries(bytes, file).filter((e) => e.name.endsWith('.npy'));
  // np.savez(f, a, b) names unnamed arrays arr_0, arr_1, ...: order them numerically, others by name.
  const key = (name: string) => name.slice(0, -4);
  entries.sort((a, b) => {
    const ma = /^arr_(\d+)$/.exec(key(a.name));
    const mb = /^arr_(\d+)$/.exec(key(b.name));
    if (ma && mb) return Number(ma[1]) - Number(mb[1]);
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  const chosen = matchInputs(entries.map((e) => key(e.name)), inputs, file, 'array');
  return inputs.map((input, k) => {
    const entry = entries.find((e) => key(e.name) === chosen[k])!;
    const where = `${file}[${chosen[k]}]`;
    const arr = readNpy(readZipEntry(bytes, entry, file), where);
    return { samples: splitBatch(arr.data, arr.shape, input, where), origin: batchOrigin(where), file: where };
  });
}

/** Parses a CSV cell; NaN and Inf literals parse so that the finiteness check can name them. */
function parseNumber(cell: string): number | undefined {
  const t = cell.trim().replace(/^"(.*)"$/, '$1').trim();
  if (t === '') return undefined;
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  const v = Number(t);
  return Number.isNaN(v) ? undefined : v;
}

export function loadCsvFile(bytes: Uint8Array, inputs: readonly InputSpec[], file: string): InputSamples[] {
  const input = onlyOneInput(inputs, file, '.csv');
  const need = elementCount(input.shape);
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/).map((l, i) => ({ text: l, line: i + 1 })).filter((l) => l.text.trim() !== '' && !l.text.startsWith('#'));
  if (lines.length === 0) throw new DatasetError('empty', file, `${file}: the file is empty.`);
  const first = lines[0]!.text;
  const delimiter = first.includes(',') ? ',' : first.includes(';') ? ';' : first.includes('\t') ? '\t' : /\s+/;
  const split = (l: string) => l.trim().split(delimiter);
  // A header is a first row with a cell that is not a number.
  let start = 0;
  if (split(first).some((c) => parseNumber(c) === undefined)) start = 1;
  const samples: Float32Array[] = [];
  const rowLines: number[] = [];
  let columns = -1;
  for (const { text: l, line } of lines.slice(start)) {
    const cells = split(l);
    if (columns < 0) {
      columns = cells.length;
      if (columns !== need) {
        const hint = columns === need + 1 ? ' (one more than needed: drop the label or index column)' : '';
        throw new DatasetError('shape', file, `${file}: rows have ${columns} column${columns === 1 ? '' : 's'}${hint}; ${describeInput(input)} needs ${need} values per row (one sample per row).`);
      }
    } else if (cells.length !== columns) {
      throw new DatasetError('format', file, `${file}: line ${line} has ${cells.length} columns, the rows before it ${columns}.`);
    }
    const row = new Float32Array(columns);
    for (let c = 0; c < columns; c++) {
      const v = parseNumber(cells[c]!);
      if (v === undefined) throw new DatasetError('dtype', file, `${file}: line ${line}, column ${c + 1}: ${JSON.stringify(cells[c]!.trim())} is not a number; the file must hold numbers only (an optional header row aside).`);
      row[c] = v;
    }
    samples.push(row);
    rowLines.push(line);
  }
  if (samples.length === 0) throw new DatasetError('empty', file, `${file}: has a header row but no data rows.`);
  return [{ samples, origin: (i) => `${file}, line ${rowLines[i]} (sample ${i})`, file }];
}

/** Flattens nested number arrays; returns the nested shape when rectangular. */
function flattenSample(value: unknown, where: string, file: string): { values: number[]; shape: number[] | undefined } {
  const values: number[] = [];
  let rectangular = true;
  const walk = (v: unknown, depth: number, shape: number[]): void => {
    if (typeof v === 'number') {
      values.push(v);
      return;
    }
    if (Array.isArray(v)) {
      if (shape[depth] === undefined) shape[depth] = v.length;
      else if (shape[depth] !== v.length) rectangular = false;
      for (const x of v) walk(x, depth + 1, shape);
      return;
    }
    throw new DatasetError('dtype', file, `${where}: holds ${v === null ? 'null' : typeof v} ${JSON.stringify(v)?.slice(0, 40)}; samples must be numbers or nested arrays of numbers.`);
  };
  const shape: number[] = [];
  walk(value, 0, shape);
  return { values, shape: rectangular ? shape : undefined };
}

function jsonSamples(list: unknown, input: InputSpec, where: string, file: string): Float32Array[] {
  const need = elementCount(input.shape);
  if (!Array.isArray(list)) throw new DatasetError('format', file, `${where}: expected an array of samples for ${describeInput(input)}, found ${typeof list}.`);
  // A flat list of numbers: one number per sample for a scalar input, else a single flat sample.
  if (list.length > 0 && list.every((v) => typeof v === 'number')) {
    if (need === 1) return list.map((v) => Float32Array.of(v as number));
    if (list.length === need) return [Float32Array.from(list as number[])];
    throw new DatasetError('shape', file, `${where}: a flat list of ${list.length} numbers; ${describeInput(input)} needs ${need} per sample: give an array of samples, each with ${need} numbers (flat or nested as ${formatShape(coreShape(input.shape))}).`);
  }
  return list.map((s, i) => {
    const { values, shape } = flattenSample(s, `${where}[${i}]`, file);
    if (values.length !== need) {
      const found = shape ? `shape ${formatShape(shape)} (${values.length} values)` : `${values.length} values`;
      throw new DatasetError('shape', file, `${where}[${i}]: ${found} does not fit ${describeInput(input)}: each sample needs ${need} values (flat or nested as ${formatShape(coreShape(input.shape))}).`);
    }
    return Float32Array.from(values);
  });
}

export function loadJsonFile(bytes: Uint8Array, inputs: readonly InputSpec[], file: string): InputSamples[] {
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const hint = /\b(NaN|-?Infinity)\b/.test(text) ? ' JSON has no NaN or Infinity (Python\'s json.dump writes them anyway): replace those values.' : '';
    throw new DatasetError('format', file, `${file}: not valid JSON (${(e as Error).message}).${hint}`);
  }
  if (Array.isArray(doc)) {
    // An array of {inputName: sample} objects, for models with several inputs.
    if (doc.length > 0 && doc.every((s) => s !== null && typeof s === 'object' && !Array.isArray(s))) {
      const keys = Object.keys(doc[0] as object);
      const chosen = matchInputs(keys, inputs, file, 'key');
      return inputs.map((input, k) => {
        const list = doc.map((s, i) => {
          if (!(chosen[k]! in (s as object))) throw new DatasetError('format', file, `${file}[${i}]: has no key '${chosen[k]}' (sample 0 has it).`);
          return (s as Record<string, unknown>)[chosen[k]!];
        });
        const where = `${file}[*].${chosen[k]}`;
        return { samples: jsonSamples(list, input, where, file), origin: (i: number) => `${file}[${i}].${chosen[k]}`, file };
      });
    }
    const input = onlyOneInput(inputs, file, 'JSON array');
    if (doc.length === 0) throw new DatasetError('empty', file, `${file}: the array is empty.`);
    return [{ samples: jsonSamples(doc, input, file, file), origin: (i) => `${file}[${i}]`, file }];
  }
  if (doc !== null && typeof doc === 'object') {
    const keys = Object.keys(doc);
    const chosen = matchInputs(keys, inputs, file, 'key');
    return inputs.map((input, k) => {
      const where = `${file}.${chosen[k]}`;
      return { samples: jsonSamples((doc as Record<string, unknown>)[chosen[k]!], input, where, file), origin: (i: number) => `${where}[${i}]`, file };
    });
  }
  throw new DatasetError('format', file, `${file}: expected an array of samples or an object {inputName: [samples]}, found ${doc === null ? 'null' : typeof doc}.`);
}
