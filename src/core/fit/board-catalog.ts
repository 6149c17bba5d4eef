/**
 * The catalog a fit runs against: the built-in boards plus the user's own boards file (JSON), which can add boards
 * and override fields of built-in ones. Pure: the caller reads the file and passes its text and name.
 */
import { BOARDS, type Board, type CoreId, type FpuKind } from './boards';

export type BoardFileErrorKind = 'json' | 'shape' | 'field' | 'duplicate';

/** A user boards file we cannot use; the message names the file, the board and the field, and what is expected. */
export class BoardFileError extends Error {
  override readonly name = 'BoardFileError';
  constructor(readonly kind: BoardFileErrorKind, readonly file: string, message: string) {
    super(message);
  }
}

export const CORE_IDS: readonly CoreId[] = [
  'cortex-m0plus', 'cortex-m3', 'cortex-m4', 'cortex-m7', 'cortex-m33', 'cortex-m55', 'cortex-m85',
  'xtensa-lx6', 'xtensa-lx7', 'riscv32-imc',
];
const FPU_KINDS: readonly FpuKind[] = ['none', 'sp', 'dp'];

export interface BoardCatalog {
  boards: readonly Board[];
  byId: ReadonlyMap<string, Board>;
  /** Ids that came from (or were changed by) the user's file. */
  userIds: ReadonlySet<string>;
}

export function builtinCatalog(): BoardCatalog {
  return { boards: BOARDS, byId: new Map(BOARDS.map((b) => [b.id, b])), userIds: new Set() };
}

/**
 * Merges a user boards file into the built-in catalog. The file is `{"boards": [ ... ]}` or a bare array; each entry
 * has an `id`; a new id needs every size field, a known id may give only the fields it changes. Sizes are byte counts
 * or strings such as "256K", "1.5M", "320KiB".
 */
export function mergeUserBoards(text: string, file: string, base: BoardCatalog = builtinCatalog()): BoardCatalog {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BoardFileError('json', file, `${file}: not valid JSON (${(e as Error).message}); expected {"boards": [{"id": ..., ...}]}`);
  }
  const entries = Array.isArray(json) ? json : (json as { boards?: unknown } | null)?.boards;
  if (!Array.isArray(entries)) {
    throw new BoardFileError('shape', file, `${file}: expected {"boards": [...]} or an array of boards, found ${describe(json)}`);
  }
  const byId = new Map(base.byId);
  const userIds = new Set(base.userIds);
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new BoardFileError('shape', file, `${file}: boards[${i}] is ${describe(entry)}, expected an object with an "id"`);
    }
    const raw = entry as Record<string, unknown>;
    const id = raw['id'];
    if (typeof id !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(id)) {
      throw new BoardFileError('field', file, `${file}: boards[${i}].id must be a board id such as "my_board" (letters, digits, _ . -), found ${describe(id)}`);
    }
    if (seen.has(id)) throw new BoardFileError('duplicate', file, `${file}: board "${id}" is defined twice`);
    seen.add(id);
    const board = parseBoard(raw, byId.get(id), `${file}: board "${id}"`, file);
    byId.set(id, board);
    userIds.add(id);
  });
  return { boards: [...byId.values()], byId, userIds };
}

function parseBoard(raw: Record<string, unknown>, base: Board | undefined, where: string, file: string): Board {
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new BoardFileError('field', file, `${where}: "${field}" must be ${expected}, found ${describe(value)}`);
  };
  const known = new Set(['id', 'name', 'mcu', 'core', 'clockMhz', 'ramBytes', 'largestRegionBytes', 'flashBytes',
    'externalRamBytes', 'fpu', 'dsp', 'mve', 'aliases', 'source', 'notes']);
  for (const k of Object.keys(raw)) {
    if (!known.has(k)) throw new BoardFileError('field', file, `${where}: unknown field "${k}" (known: ${[...known].join(', ')})`);
  }
  const pick = <T>(field: string, parse: (v: unknown) => T | undefined, expected: string, fallback: T | undefined): T => {
    const v = raw[field];
    if (v === undefined) {
      if (fallback === undefined) return fail(field, `given for a new board (${expected})`, v);
      return fallback;
    }
    const parsed = parse(v);
    return parsed === undefined ? fail(field, expected, v) : parsed;
  };
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  const bool = (v: unknown) => (typeof v === 'boolean' ? v : undefined);
  const positive = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);

  const name = pick('name', text, 'a non-empty string', base?.name ?? (raw['id'] as string));
  const mcu = pick('mcu', text, 'a non-empty string', base?.mcu ?? 'unknown');
  const core = pick('core', (v) => (CORE_IDS as readonly unknown[]).includes(v) ? v as CoreId : undefined, `one of ${CORE_IDS.join(', ')}`, base?.core);
  const clockMhz = pick('clockMhz', positive, 'a clock in MHz > 0', base?.clockMhz);
  const ramBytes = pick('ramBytes', parseSize, 'a size in bytes (e.g. 262144 or "256K")', base?.ramBytes);
  const board: Board = {
    id: raw['id'] as string, name, mcu, core, clockMhz, ramBytes,
    largestRegionBytes: pick('largestRegionBytes', parseSize, 'a size in bytes', base?.largestRegionBytes ?? ramBytes),
    flashBytes: pick('flashBytes', parseSize, 'a size in bytes (e.g. 1048576 or "1M")', base?.flashBytes),
    fpu: pick('fpu', (v) => (FPU_KINDS as readonly unknown[]).includes(v) ? v as FpuKind : undefined, `one of ${FPU_KINDS.join(', ')}`, base?.fpu ?? 'none'),
    dsp: pick('dsp', bool, 'true or false', base?.dsp ?? false),
    mve: pick('mve', bool, 'true or false', base?.mve ?? false),
    source: pick('source', text, 'a URL or a short citation', base?.source ?? 'user boards file'),
  };
  const ext = raw['externalRamBytes'] === undefined ? base?.externalRamBytes : pick('externalRamBytes', parseSize, 'a size in bytes', undefined);
  if (ext !== undefined) board.externalRamBytes = ext;
  const aliases = raw['aliases'] === undefined ? base?.aliases
    : pick('aliases', (v) => (Array.isArray(v) && v.every((a) => typeof a === 'string') ? v as string[] : undefined), 'an array of strings', undefined);
  if (aliases) board.aliases = aliases;
  const notes = raw['notes'] === undefined ? base?.notes : pick('notes', text, 'a string', undefined);
  if (notes) board.notes = notes;
  if (board.largestRegionBytes > board.ramBytes) {
    throw new BoardFileError('field', file, `${where}: "largestRegionBytes" (${board.largestRegionBytes}) is larger than "ramBytes" (${board.ramBytes})`);
  }
  if (board.mve && !board.core.startsWith('cortex-m')) {
    throw new BoardFileError('field', file, `${where}: "mve" (Helium) exists only on Cortex-M55/M85 cores, not on ${board.core}`);
  }
  return board;
}

/** Byte count from a number or "256K" / "1.5M" / "320KiB" / "2MB" (binary multiples, as datasheets use for memory). */
export function parseSize(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?\s*$/i.exec(v);
  if (!m) return undefined;
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  const n = Math.round(Number(m[1]) * mult);
  return n > 0 ? n : undefined;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/** Board by id, or by an alias (FQBN, ESP-IDF target, Zephyr board); case-insensitive on aliases. */
export function findBoard(catalog: BoardCatalog, idOrAlias: string): Board | undefined {
  const direct = catalog.byId.get(idOrAlias);
  if (direct) return direct;
  const lower = idOrAlias.toLowerCase();
  for (const b of catalog.boards) {
    if (b.id.toLowerCase() === lower) return b;
    if (b.aliases?.some((a) => a.toLowerCase() === lower)) return b;
  }
  return undefined;
}

/** Closest ids for a "did you mean" (shared prefix / substring), at most `n`. */
export function suggestBoards(catalog: BoardCatalog, wanted: string, n = 3): string[] {
  const w = wanted.toLowerCase().replace(/[-_ ]/g, '');
  const score = (id: string): number => {
    const s = id.toLowerCase().replace(/[-_ ]/g, '');
    if (s.includes(w) || w.includes(s)) return 100 - Math.abs(s.length - w.length);
    let p = 0;
    while (p < s.length && p < w.length && s[p] === w[p]) p++;
    return p;
  };
  return catalog.boards.map((b) => ({ id: b.id, s: score(b.id) })).filter((x) => x.s >= 3)
    .sort((a, b) => b.s - a.s).slice(0, n).map((x) => x.id);
}
