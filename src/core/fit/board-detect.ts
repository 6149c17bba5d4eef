/**
 * Which board a firmware project builds for, from its own files: PlatformIO `platformio.ini` (`board =`, per env,
 * honouring `default_envs`, `[env]` and `extends`), Arduino FQBNs (`.vscode/arduino.json`, `sketch.yaml`), ESP-IDF
 * `sdkconfig` (`CONFIG_IDF_TARGET`: a chip, mapped to its reference dev kit) and Zephyr (`set(BOARD ...)` in
 * CMakeLists.txt, `build.board` in `.west/config`, `BOARD` in `build/CMakeCache.txt`). Pure functions over file text;
 * the caller injects how files are read.
 */
import { findBoard, type BoardCatalog } from './board-catalog';

export type BoardSourceKind = 'platformio' | 'arduino' | 'esp-idf' | 'zephyr';

export interface DetectedBoard {
  kind: BoardSourceKind;
  /** Project-relative file the board name came from. */
  file: string;
  /** The name as the project writes it (PlatformIO id, FQBN, IDF target, Zephyr board). */
  raw: string;
  /** The catalog board it maps to, when there is one. */
  boardId?: string;
  /** PlatformIO environment or Arduino profile the board belongs to. */
  env?: string;
  /** True for the env/profile the project builds by default. */
  isDefault: boolean;
  /** Why a mapping is approximate (an ESP-IDF target names a chip, not a board). */
  note?: string;
}

/** Reads a project-relative file; undefined when it does not exist or cannot be read. */
export type ReadProjectFile = (relativePath: string) => string | undefined;

export interface PlatformioEnv { name: string; board?: string; platform?: string; framework?: string }

/** The envs of a platformio.ini, with `[env]` defaults and `extends` resolved, and the default envs. */
export function parsePlatformioIni(text: string): { envs: PlatformioEnv[]; defaultEnvs: string[] } {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/\s[;#].*$/, '');
    if (/^\s*[;#]/.test(line) || line.trim() === '') { lastKey = undefined; continue; }
    const sec = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (sec) {
      current = new Map();
      sections.set(sec[1]!.trim(), current);
      lastKey = undefined;
      continue;
    }
    if (!current) continue;
    const kv = /^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (kv) {
      lastKey = kv[1]!;
      current.set(lastKey, kv[2]!.trim());
    } else if (lastKey && /^\s+\S/.test(line)) {
      // a continuation line (multi-line value)
      current.set(lastKey, `${current.get(lastKey)}\n${line.trim()}`.trim());
    }
  }
  const common = sections.get('env') ?? new Map<string, string>();
  const resolve = (name: string, key: string, depth = 0): string | undefined => {
    const s = sections.get(`env:${name}`);
    if (!s || depth > 8) return undefined;
    const own = s.get(key);
    if (own !== undefined) return expand(own);
    for (const parent of (s.get('extends') ?? '').split(/[,\n]/).map((p) => p.trim()).filter(Boolean)) {
      const v = resolve(parent.replace(/^env:/, ''), key, depth + 1);
      if (v !== undefined) return v;
    }
    const c = common.get(key);
    return c === undefined ? undefined : expand(c);
  };
  // ${env.board} / ${section.key} interpolation, one level (what projects use in practice)
  const expand = (v: string): string => v.replace(/\$\{([^.}]+)\.([^}]+)\}/g, (m, sec: string, key: string) => {
    const s = sec === 'env' ? common : sections.get(sec);
    return s?.get(key) ?? m;
  });
  const envs: PlatformioEnv[] = [];
  for (const name of sections.keys()) {
    if (!name.startsWith('env:')) continue;
    const env = name.slice(4);
    const e: PlatformioEnv = { name: env };
    const board = resolve(env, 'board');
    const platform = resolve(env, 'platform');
    const framework = resolve(env, 'framework');
    if (board) e.board = board;
    if (platform) e.platform = platform;
    if (framework) e.framework = framework;
    envs.push(e);
  }
  const defaultEnvs = (sections.get('platformio')?.get('default_envs') ?? '').split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
  return { envs, defaultEnvs };
}

/** The FQBN of `.vscode/arduino.json` (`board`, plus its `configuration` options). */
export function parseArduinoJson(text: string): string | undefined {
  let j: unknown;
  try { j = JSON.parse(text); } catch { return undefined; }
  const o = j as { board?: unknown; configuration?: unknown };
  if (typeof o?.board !== 'string' || !o.board) return undefined;
  return typeof o.configuration === 'string' && o.configuration ? `${o.board}:${o.configuration}` : o.board;
}

/** FQBNs of an Arduino CLI `sketch.yaml`: `default_fqbn` and each profile's `fqbn`, default first. */
export function parseSketchYaml(text: string): { profile?: string; fqbn: string; isDefault: boolean }[] {
  const out: { profile?: string; fqbn: string; isDefault: boolean }[] = [];
  const unquote = (s: string) => s.trim().replace(/^["']|["']$/g, '');
  const defaultProfile = /^default_profile:\s*(.+)$/m.exec(text)?.[1];
  const defaultFqbn = /^default_fqbn:\s*(.+)$/m.exec(text)?.[1];
  if (defaultFqbn) out.push({ fqbn: unquote(defaultFqbn), isDefault: true });
  let profile: string | undefined;
  let inProfiles = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^profiles:\s*$/.test(line)) { inProfiles = true; continue; }
    if (/^\S/.test(line)) inProfiles = false;
    if (!inProfiles) continue;
    const p = /^ {2}([^\s:#][^:]*):\s*$/.exec(line);
    if (p) { profile = p[1]!.trim(); continue; }
    const f = /^\s+fqbn:\s*(.+)$/.exec(line);
    if (f && profile) {
      const isDefault = !defaultFqbn && (defaultProfile ? unquote(defaultProfile) === profile : out.length === 0);
      out.push({ profile, fqbn: unquote(f[1]!), isDefault });
    }
  }
  return out;
}

/** CONFIG_IDF_TARGET of an ESP-IDF sdkconfig (or sdkconfig.defaults). */
export function parseSdkconfigTarget(text: string): string | undefined {
  return /^CONFIG_IDF_TARGET="([^"]+)"/m.exec(text)?.[1];
}

/** A Zephyr BOARD from CMakeLists.txt `set(BOARD x)`, `.west/config` `[build] board = x`, or CMakeCache `BOARD:STRING=x`. */
export function parseZephyrBoard(text: string, kind: 'cmake' | 'west' | 'cache'): string | undefined {
  if (kind === 'cmake') return /^\s*set\s*\(\s*BOARD\s+"?([A-Za-z0-9_/@.-]+)"?/mi.exec(text)?.[1];
  if (kind === 'cache') return /^(?:CACHED_)?BOARD:STRING=(\S+)/m.exec(text)?.[1];
  let inBuild = false;
  for (const line of text.split(/\r?\n/)) {
    const sec = /^\s*\[([^\]]+)\]/.exec(line);
    if (sec) { inBuild = sec[1]!.trim() === 'build'; continue; }
    const kv = /^\s*board\s*=\s*(\S+)/.exec(line);
    if (inBuild && kv) return kv[1];
  }
  return undefined;
}

/** Maps an Arduino FQBN to a catalog board: the full FQBN, then vendor:arch:board with only its `pnum` option, then vendor:arch:board. */
export function boardForFqbn(catalog: BoardCatalog, fqbn: string): string | undefined {
  const parts = fqbn.split(':');
  const base = parts.slice(0, 3).join(':');
  const pnum = (parts[3] ?? '').split(',').find((o) => o.startsWith('pnum='));
  for (const candidate of [fqbn, pnum ? `${base}:${pnum}` : undefined, base]) {
    if (!candidate) continue;
    const b = findBoard(catalog, candidate);
    if (b) return b.id;
  }
  return undefined;
}

/** Maps a Zephyr board name (legacy `nrf52840dk_nrf52840` or hardware-model `nrf5340dk/nrf5340/cpuapp`) to a catalog board. */
export function boardForZephyr(catalog: BoardCatalog, name: string): string | undefined {
  const candidates = [name, name.split('@')[0]!, name.split('/')[0]!, name.replace(/\//g, '_')];
  for (const c of candidates) {
    const b = findBoard(catalog, c);
    if (b) return b.id;
  }
  return undefined;
}

/** Every board the project's files name, in the order a user would expect them to count (defaults first). */
export function detectBoards(read: ReadProjectFile, catalog: BoardCatalog): DetectedBoard[] {
  const found: DetectedBoard[] = [];
  const ini = read('platformio.ini');
  if (ini !== undefined) {
    const { envs, defaultEnvs } = parsePlatformioIni(ini);
    const withBoard = envs.filter((e) => e.board);
    const defaults = defaultEnvs.length ? defaultEnvs : withBoard.length ? [withBoard[0]!.name] : [];
    const ordered = [...withBoard].sort((a, b) => Number(defaults.includes(b.name)) - Number(defaults.includes(a.name)));
    for (const e of ordered) {
      const d: DetectedBoard = { kind: 'platformio', file: 'platformio.ini', raw: e.board!, env: e.name, isDefault: defaults.includes(e.name) };
      const b = findBoard(catalog, e.board!);
      if (b) d.boardId = b.id;
      found.push(d);
    }
  }
  const arduinoJson = read('.vscode/arduino.json');
  if (arduinoJson !== undefined) {
    const fqbn = parseArduinoJson(arduinoJson);
    if (fqbn) found.push(withId({ kind: 'arduino', file: '.vscode/arduino.json', raw: fqbn, isDefault: true }, boardForFqbn(catalog, fqbn)));
  }
  const sketch = read('sketch.yaml') ?? read('sketch.yml');
  if (sketch !== undefined) {
    const file = read('sketch.yaml') !== undefined ? 'sketch.yaml' : 'sketch.yml';
    for (const p of parseSketchYaml(sketch).sort((a, b) => Number(b.isDefault) - Number(a.isDefault))) {
      const d: DetectedBoard = { kind: 'arduino', file, raw: p.fqbn, isDefault: p.isDefault };
      if (p.profile) d.env = p.profile;
      found.push(withId(d, boardForFqbn(catalog, p.fqbn)));
    }
  }
  for (const file of ['sdkconfig', 'sdkconfig.defaults']) {
    const text = read(file);
    const target = text === undefined ? undefined : parseSdkconfigTarget(text);
    if (target) {
      const b = findBoard(catalog, target);
      const d: DetectedBoard = { kind: 'esp-idf', file, raw: target, isDefault: true, note: `ESP-IDF names the chip (${target}), not the board: assumed its reference dev kit` };
      found.push(withId(d, b?.id));
      break;
    }
  }
  const zephyrSources: [string, 'cmake' | 'west' | 'cache'][] = [
    ['build/CMakeCache.txt', 'cache'], ['CMakeLists.txt', 'cmake'], ['.west/config', 'west'],
  ];
  for (const [file, kind] of zephyrSources) {
    const text = read(file);
    const name = text === undefined ? undefined : parseZephyrBoard(text, kind);
    // a CMakeCache without a Zephyr BOARD is an ordinary CMake build; a CMakeLists without set(BOARD) says nothing
    if (name) found.push(withId({ kind: 'zephyr', file, raw: name, isDefault: true }, boardForZephyr(catalog, name)));
  }
  return found;
}

function withId(d: DetectedBoard, id: string | undefined): DetectedBoard {
  if (id) d.boardId = id;
  return d;
}

/** The board to use: the first default entry that maps to the catalog, else the first that maps at all. */
export function pickDetectedBoard(found: readonly DetectedBoard[]): DetectedBoard | undefined {
  return found.find((d) => d.isDefault && d.boardId) ?? found.find((d) => d.boardId);
}
