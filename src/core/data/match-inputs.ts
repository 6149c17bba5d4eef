/** Pairs named arrays (npz entries, JSON keys, sub-folders) with model inputs: by name first, else by order. */
import type { InputSpec } from './dataset';
import { DatasetError } from './errors';

/** Tensor names as converters write them: "serving_default_x:0" → "x". */
export function plainInputName(name: string): string {
  return name.replace(/^serving_default_/, '').replace(/:\d+$/, '');
}

/** Returns, for each input in order, the key of its array. */
export function matchInputs(keys: readonly string[], inputs: readonly InputSpec[], file: string, what: string): string[] {
  if (keys.length === 0) throw new DatasetError('empty', file, `${file}: holds no ${what}s.`);
  if (inputs.length === 1 && keys.length === 1) return [keys[0]!];
  const byName = inputs.map((input) => keys.find((k) => k === input.name) ?? keys.find((k) => k === plainInputName(input.name)));
  if (byName.every((k) => k !== undefined)) return byName as string[];
  const named = byName.filter((k) => k !== undefined).length;
  if (named === 0 && keys.length === inputs.length) return [...keys];
  const missing = inputs.filter((_, k) => byName[k] === undefined).map((i) => `'${plainInputName(i.name)}'`).join(', ');
  throw new DatasetError('mismatch', file,
    `${file}: holds ${what}s ${keys.map((k) => `'${k}'`).join(', ')}, but none is named for input ${missing}; the model has ${inputs.length} input${inputs.length === 1 ? '' : 's'} (${inputs.map((i) => `'${plainInputName(i.name)}'`).join(', ')}): name each ${what} after its input.`);
}
