/**
 * A tiny C struct layout calculator. TFLite Micro's tail allocations are `sizeof(T)` bytes aligned to `alignof(T)`,
 * and both depend on the ABI: pointer width, `size_t` width and whether enums are packed (`-fshort-enums`, the
 * arm-none-eabi-gcc default for Cortex-M). Describing the structs by their members keeps one table valid for all targets.
 */

/** A member kind: fixed-width scalars, `enum` (4 bytes, or 1 with short enums), pointer-sized `ptr`/`size_t`. */
export type FieldKind = 'i8' | 'bool' | 'i16' | 'i32' | 'f32' | 'i64' | 'f64' | 'enum' | 'ptr' | 'size_t';

/** A member: a kind, an array `[kind, count]`, or a nested struct. */
export type Field = FieldKind | readonly [FieldKind, number] | StructDef;

export interface StructDef {
  readonly fields: readonly Field[];
}

export interface Abi {
  /** sizeof(void*) == sizeof(size_t) */
  readonly pointerBytes: 4 | 8;
  /** 1 with -fshort-enums (all TFLite enums have values below 256), else 4. */
  readonly enumBytes: 1 | 4;
}

export interface Layout {
  size: number;
  align: number;
}

export function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

function scalarLayout(kind: FieldKind, abi: Abi): Layout {
  switch (kind) {
    case 'i8': case 'bool': return { size: 1, align: 1 };
    case 'i16': return { size: 2, align: 2 };
    case 'i32': case 'f32': return { size: 4, align: 4 };
    case 'i64': case 'f64': return { size: 8, align: 8 };
    case 'enum': return { size: abi.enumBytes, align: abi.enumBytes };
    case 'ptr': case 'size_t': return { size: abi.pointerBytes, align: abi.pointerBytes };
  }
}

function fieldLayout(field: Field, abi: Abi): Layout {
  if (typeof field === 'string') return scalarLayout(field, abi);
  if (Array.isArray(field)) {
    const [kind, count] = field as readonly [FieldKind, number];
    const one = scalarLayout(kind, abi);
    return { size: one.size * count, align: one.align };
  }
  return structLayout(field as StructDef, abi);
}

/** sizeof and alignof of a struct under the C rules (members in order, each aligned, total padded to the max alignment). */
export function structLayout(def: StructDef, abi: Abi): Layout {
  let offset = 0;
  let align = 1;
  for (const f of def.fields) {
    const l = fieldLayout(f, abi);
    offset = alignUp(offset, l.align) + l.size;
    align = Math.max(align, l.align);
  }
  return { size: alignUp(offset, align), align };
}

export function struct(...fields: Field[]): StructDef {
  return { fields };
}
