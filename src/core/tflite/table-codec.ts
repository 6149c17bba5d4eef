import * as flatbuffers from 'flatbuffers';
import type { CheckedByteBuffer } from './checked-byte-buffer';
import { ModelFormatError } from './errors';
import { ENUMS, TABLES } from './generated-meta/table-schema';
import type { FieldSchema, ScalarKind } from './table-codec-types';

/** A decoded field of an options table: enums by name, int64 as number when exact (else bigint). */
export type OptionValue = number | bigint | boolean | string | Uint8Array | Array<number | bigint | boolean | string>;
export type OptionsTable = Record<string, OptionValue>;

const SIZE: Record<ScalarKind, number> = {
  bool: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, float32: 4, float64: 8,
};

const enumNames = new Map<string, Map<number, string>>(
  Object.entries(ENUMS).map(([name, values]) => [name, new Map(Object.entries(values).map(([k, v]) => [v, k]))]),
);

function readScalar(bb: CheckedByteBuffer, at: number, kind: ScalarKind): number | bigint | boolean {
  switch (kind) {
    case 'bool': return bb.readUint8(at) !== 0;
    case 'int8': return bb.readInt8(at);
    case 'uint8': return bb.readUint8(at);
    case 'int16': return bb.readInt16(at);
    case 'uint16': return bb.readUint16(at);
    case 'int32': return bb.readInt32(at);
    case 'uint32': return bb.readUint32(at);
    case 'float32': return bb.readFloat32(at);
    case 'float64': return bb.readFloat64(at);
    case 'int64': { const v = bb.readInt64(at); return toNumberIfSafe(v); }
    case 'uint64': { const v = bb.readUint64(at); return toNumberIfSafe(v); }
  }
}

function toNumberIfSafe(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function enumName(f: FieldSchema, v: number | bigint | boolean): OptionValue {
  if (!f.enum || typeof v !== 'number') return v;
  return enumNames.get(f.enum)?.get(v) ?? v;
}

function defaultValue(f: FieldSchema): OptionValue | undefined {
  if (f.t === 'string' || f.t === 'vector') return undefined;
  const d = f.def ?? 0;
  if (f.t === 'bool') return d !== 0;
  return enumName(f, d);
}

/** Decodes the table `tableName` at `pos` into a plain object. Absent scalars get their schema default. */
export function readTable(bb: CheckedByteBuffer, pos: number, tableName: string): OptionsTable {
  const schema = TABLES[tableName];
  if (!schema) throw new ModelFormatError(`no schema for table ${tableName}`);
  const out: OptionsTable = {};
  for (const f of schema) {
    const o = bb.__offset(pos, 4 + 2 * f.slot);
    if (!o) {
      const d = defaultValue(f);
      if (d !== undefined) out[f.name] = d;
      continue;
    }
    const at = pos + o;
    if (f.t === 'string') {
      out[f.name] = bb.__string(at) as string;
    } else if (f.t === 'vector') {
      const elem = f.elem!;
      const { start, length } = bb.vectorSpan(at, SIZE[elem]);
      if (elem === 'uint8' && !f.enum) {
        out[f.name] = bb.bytes().subarray(start, start + length);
      } else {
        const arr: Array<number | bigint | boolean | string> = new Array(length);
        for (let i = 0; i < length; i++) arr[i] = enumName(f, readScalar(bb, start + i * SIZE[elem], elem)) as number;
        out[f.name] = arr;
      }
    } else {
      out[f.name] = enumName(f, readScalar(bb, at, f.t));
    }
  }
  return out;
}

function enumValue(f: FieldSchema, v: unknown, tableName: string): number | bigint | boolean {
  if (typeof v === 'string') {
    const n = f.enum ? ENUMS[f.enum]?.[v] : undefined;
    if (n === undefined) throw new TypeError(`${tableName}.${f.name}: unknown value '${v}'${f.enum ? ` for enum ${f.enum}` : ''}`);
    return n;
  }
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return v;
  throw new TypeError(`${tableName}.${f.name}: expected a scalar, got ${typeof v}`);
}

function addScalar(b: flatbuffers.Builder, kind: ScalarKind, v: number | bigint | boolean): void {
  switch (kind) {
    case 'bool': b.addInt8(v ? 1 : 0); break;
    case 'int8': case 'uint8': b.addInt8(Number(v)); break;
    case 'int16': case 'uint16': b.addInt16(Number(v)); break;
    case 'int32': case 'uint32': b.addInt32(Number(v)); break;
    case 'int64': case 'uint64': b.addInt64(BigInt(v as number)); break;
    case 'float32': b.addFloat32(Number(v)); break;
    case 'float64': b.addFloat64(Number(v)); break;
  }
}

function addField(b: flatbuffers.Builder, f: FieldSchema, v: number | bigint | boolean): void {
  const slot = f.slot;
  const d = f.def ?? 0;
  switch (f.t as ScalarKind) {
    case 'bool': b.addFieldInt8(slot, v ? 1 : 0, d); break;
    case 'int8': case 'uint8': b.addFieldInt8(slot, Number(v), d); break;
    case 'int16': case 'uint16': b.addFieldInt16(slot, Number(v), d); break;
    case 'int32': case 'uint32': b.addFieldInt32(slot, Number(v), d); break;
    case 'int64': case 'uint64': b.addFieldInt64(slot, BigInt(v as number), BigInt(d)); break;
    case 'float32': b.addFieldFloat32(slot, Number(v), d); break;
    case 'float64': b.addFieldFloat64(slot, Number(v), d); break;
  }
}

/** Writes a plain object as table `tableName`; fields equal to their default are omitted, as flatc does. */
export function writeTable(b: flatbuffers.Builder, tableName: string, value: OptionsTable): flatbuffers.Offset {
  const schema = TABLES[tableName];
  if (!schema) throw new TypeError(`no schema for table ${tableName}`);
  const offsets = new Map<string, flatbuffers.Offset>();
  for (const f of schema) {
    const v = value[f.name];
    if (v === undefined) continue;
    if (f.t === 'string') {
      offsets.set(f.name, b.createString(String(v)));
    } else if (f.t === 'vector') {
      const elem = f.elem!;
      if (v instanceof Uint8Array) {
        offsets.set(f.name, b.createByteVector(v));
        continue;
      }
      if (!Array.isArray(v)) throw new TypeError(`${tableName}.${f.name}: expected an array`);
      b.startVector(SIZE[elem], v.length, SIZE[elem]);
      for (let i = v.length - 1; i >= 0; i--) addScalar(b, elem, enumValue(f, v[i], tableName));
      offsets.set(f.name, b.endVector());
    }
  }
  const slots = schema.reduce((m, f) => Math.max(m, f.slot + 1), 0);
  b.startObject(slots);
  for (const f of schema) {
    const v = value[f.name];
    if (v === undefined) continue;
    const off = offsets.get(f.name);
    if (off !== undefined) b.addFieldOffset(f.slot, off, 0);
    else addField(b, f, enumValue(f, v, tableName));
  }
  return b.endObject();
}
