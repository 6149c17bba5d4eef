/**
 * Edits to the user's build files so new sources get compiled and TFLite Micro gets pulled in. Each edit is the whole
 * new text of one file (small build files), computed from the current text, and is skipped when the build already
 * covers what we add, so a re-export never adds duplicates.
 */
import type { FirmwareProject } from './project-detect';
import { dirname, joinPath, relativeTo, type ProjectSnapshot } from './project-snapshot';

export interface PlannedEdit {
  path: string;
  description: string;
  /** Current text; undefined when the edit creates the file. Appliers refuse to apply if the file changed since. */
  oldContents?: string;
  newContents: string;
}

export interface BuildChanges {
  edits: PlannedEdit[];
  /** Steps the user must take by hand. */
  notes: string[];
}

const ADDED_BY = 'Added by TinyML Toolkit';

/** A CMake/Make glob pattern as a regex over relative paths (`*` within one folder, `**` across). */
function globToRegExp(glob: string): RegExp {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*/g, '\u0000')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]')
    // eslint-disable-next-line no-control-regex -- NUL stands in for `**` above: no glob contains it
    .replace(/\u0000/g, '.*');
  return new RegExp(`^${re}$`);
}

/** True when a `file(GLOB[_RECURSE] var pattern...)` in the CMake text matches `rel`. */
function cmakeGlobCovers(text: string, rel: string): boolean {
  for (const m of text.matchAll(/file\s*\(\s*(GLOB|GLOB_RECURSE)\s+\S+([^)]*)\)/gi)) {
    const recurse = m[1]!.toUpperCase() === 'GLOB_RECURSE';
    for (const raw of m[2]!.split(/\s+/).filter(Boolean)) {
      const pattern = raw.replace(/^"|"$/g, '').replace(/^\$\{(CMAKE_CURRENT_SOURCE_DIR|PROJECT_SOURCE_DIR|CMAKE_SOURCE_DIR)\}\//, '');
      if (/^(CONFIGURE_DEPENDS|LIST_DIRECTORIES|RELATIVE|FOLLOW_SYMLINKS|true|false)$/i.test(pattern)) continue;
      if (globToRegExp(pattern).test(rel)) return true;
      if (recurse) {
        const dir = dirname(pattern);
        const name = pattern.slice(dir.length ? dir.length + 1 : 0);
        if (rel.startsWith(dir ? `${dir}/` : '') && globToRegExp(name).test(rel.slice(rel.lastIndexOf('/') + 1))) return true;
      }
    }
  }
  return false;
}

function mentions(text: string, rel: string): boolean {
  const escaped = rel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s"'(/])${escaped}($|[\\s"')])`, 'm').test(text);
}

function cmakeTargetEdit(snapshot: ProjectSnapshot, file: string, target: string, sources: string[]): BuildChanges {
  const text = snapshot.readText(file);
  if (text === undefined) return { edits: [], notes: [`Add ${sources.join(', ')} to target ${target} (${file} not found).`] };
  const dir = dirname(file);
  const missing = sources.map((s) => relativeTo(dir, s)).filter((rel) => !mentions(text, rel) && !cmakeGlobCovers(text, rel));
  if (missing.length === 0) return { edits: [], notes: [] };
  const block =
    `\n# ${ADDED_BY}: the exported model and its runner.\n` +
    `target_sources(${target} PRIVATE\n${missing.map((r) => `  ${r}\n`).join('')})\n`;
  return {
    edits: [{
      path: file,
      description: `add ${missing.join(', ')} to target ${target}`,
      oldContents: text,
      newContents: text.replace(/\n*$/, '\n') + block,
    }],
    notes: [],
  };
}

const IDF_KEYWORDS =
  /^(SRCS|SRC_DIRS|EXCLUDE_SRCS|INCLUDE_DIRS|PRIV_INCLUDE_DIRS|REQUIRES|PRIV_REQUIRES|LDFRAGMENTS|REQUIRED_IDF_TARGETS|EMBED_FILES|EMBED_TXTFILES|KCONFIG|KCONFIG_PROJBUILD|WHOLE_ARCHIVE)$/;

/** Tokens of a CMake argument list with their offsets (quoted strings kept whole, comments skipped). */
function cmakeTokens(text: string, start: number, end: number): { value: string; start: number; end: number }[] {
  const tokens: { value: string; start: number; end: number }[] = [];
  const re = /#[^\n]*|"(?:[^"\\]|\\.)*"|[^\s()"#]+/g;
  re.lastIndex = start;
  for (let m = re.exec(text); m && m.index < end; m = re.exec(text)) {
    if (m[0].startsWith('#')) continue;
    tokens.push({ value: m[0].replace(/^"|"$/g, ''), start: m.index, end: m.index + m[0].length });
  }
  return tokens;
}

function idfComponentEdit(snapshot: ProjectSnapshot, file: string, sources: string[]): BuildChanges {
  const text = snapshot.readText(file);
  const dir = dirname(file);
  const rels = sources.map((s) => relativeTo(dir, s));
  if (text === undefined) return { edits: [], notes: [`Add ${rels.join(' ')} to idf_component_register(SRCS ...) in ${file}.`] };
  const call = /idf_component_register\s*\(/.exec(text);
  if (!call) return { edits: [], notes: [`Add ${rels.join(' ')} to idf_component_register(SRCS ...) in ${file}.`] };
  const open = call.index + call[0].length;
  const close = text.indexOf(')', open);
  const tokens = cmakeTokens(text, open, close < 0 ? text.length : close);
  const sections = new Map<string, typeof tokens>();
  let current = '';
  for (const t of tokens) {
    if (IDF_KEYWORDS.test(t.value)) {
      current = t.value;
      if (!sections.has(current)) sections.set(current, []);
    } else if (current) sections.get(current)!.push(t);
  }
  const srcDirs = sections.get('SRC_DIRS')?.map((t) => t.value.replace(/\/$/, '')) ?? [];
  if (srcDirs.some((d) => d === '.' || d === '${CMAKE_CURRENT_SOURCE_DIR}')) return { edits: [], notes: [] };
  const srcs = sections.get('SRCS');
  const listed = new Set(srcs?.map((t) => t.value) ?? []);
  const missing = rels.filter((r) => !listed.has(r));
  if (missing.length === 0) return { edits: [], notes: [] };
  let newContents: string;
  if (srcs && srcs.length > 0) {
    const last = srcs[srcs.length - 1]!;
    const first = srcs[0]!;
    const multiline = text.slice(first.start, last.end).includes('\n');
    const indent = multiline ? (/[ \t]*$/.exec(text.slice(0, last.start))?.[0] ?? '  ') : '';
    const insert = missing.map((r) => (multiline ? `\n${indent}"${r}"` : ` "${r}"`)).join('');
    newContents = text.slice(0, last.end) + insert + text.slice(last.end);
  } else {
    const srcsKeyword = tokens.find((t) => t.value === 'SRCS');
    const at = srcsKeyword ? srcsKeyword.end : open;
    const insert = srcsKeyword ? missing.map((r) => ` "${r}"`).join('') : `SRCS ${missing.map((r) => `"${r}"`).join(' ')} `;
    newContents = text.slice(0, at) + insert + text.slice(at);
  }
  return {
    edits: [{ path: file, description: `add ${missing.join(', ')} to idf_component_register(SRCS ...)`, oldContents: text, newContents }],
    notes: [],
  };
}

/** ESP-IDF pulls TFLite Micro from the component registry: espressif/esp-tflite-micro in main/idf_component.yml. */
function idfDependencyEdit(snapshot: ProjectSnapshot, mainDir: string): BuildChanges {
  const file = joinPath(mainDir, 'idf_component.yml');
  const text = snapshot.readText(file);
  const dep = '  espressif/esp-tflite-micro: "*"';
  if (text !== undefined && /esp-tflite-micro/.test(text)) return { edits: [], notes: [] };
  let newContents: string;
  if (text === undefined) {
    newContents = `## IDF Component Manager manifest\ndependencies:\n${dep}\n`;
  } else if (/^dependencies:\s*$/m.test(text)) {
    newContents = text.replace(/^dependencies:\s*$/m, (m) => `${m}\n${dep}`);
  } else {
    newContents = `${text.replace(/\n*$/, '\n')}dependencies:\n${dep}\n`;
  }
  return {
    edits: [{ path: file, description: 'depend on espressif/esp-tflite-micro', oldContents: text, newContents }],
    notes: [],
  };
}

/** Kconfig options a Zephyr app needs for TFLite Micro (the tflite-micro module must be in the west manifest). */
const ZEPHYR_CONFIG = ['CONFIG_CPP=y', 'CONFIG_REQUIRES_FULL_LIBCPP=y', 'CONFIG_TENSORFLOW_LITE_MICRO=y'];

function zephyrConfigEdit(snapshot: ProjectSnapshot, root: string): BuildChanges {
  const file = joinPath(root, 'prj.conf');
  const text = snapshot.readText(file);
  const missing = ZEPHYR_CONFIG.filter((line) => !new RegExp(`^\\s*${line.split('=')[0]}=`, 'm').test(text ?? ''));
  const notes = ['Add the tflite-micro module to your west manifest: west config manifest.project-filter -- +tflite-micro && west update.'];
  if (missing.length === 0) return { edits: [], notes };
  const base = text === undefined ? '' : text.replace(/\n*$/, '\n');
  return {
    edits: [{
      path: file,
      description: `enable ${missing.map((l) => l.split('=')[0]).join(', ')}`,
      oldContents: text,
      newContents: `${base}# ${ADDED_BY}: C++ and TensorFlow Lite Micro.\n${missing.join('\n')}\n`,
    }],
    notes,
  };
}

function makeVariableEdit(snapshot: ProjectSnapshot, file: string, variable: string, sources: string[]): BuildChanges {
  const text = snapshot.readText(file);
  const dir = dirname(file);
  const rels = sources.map((s) => relativeTo(dir, s));
  if (text === undefined) return { edits: [], notes: [`Add ${rels.join(' ')} to ${variable} in ${file}.`] };
  const missing = rels.filter((r) => !mentions(text, r));
  if (missing.length === 0) return { edits: [], notes: [] };
  const lines = text.split('\n');
  let at = lines.findIndex((l) => new RegExp(`^\\s*${variable}\\s*[:+?]?=`).test(l));
  while (at >= 0 && at < lines.length - 1 && /\\\s*$/.test(lines[at]!)) at++;
  const insert = [`# ${ADDED_BY}: the exported model and its runner.`, `${variable} += ${missing.join(' ')}`];
  lines.splice(at + 1, 0, ...insert);
  return {
    edits: [{ path: file, description: `add ${missing.join(', ')} to ${variable}`, oldContents: text, newContents: lines.join('\n') }],
    notes: [],
  };
}

/**
 * Build-file changes that make `sources` (snapshot-relative paths of the new source files) part of `project`'s build,
 * plus the TFLite Micro dependency where the build system has a standard way to declare it.
 */
export function buildChanges(
  project: FirmwareProject, snapshot: ProjectSnapshot, sources: string[], needsTflm: boolean,
): BuildChanges {
  const out: BuildChanges = { edits: [], notes: [] };
  const add = (c: BuildChanges): void => {
    out.edits.push(...c.edits);
    out.notes.push(...c.notes);
  };
  const reg = project.registration;
  switch (reg.kind) {
    case 'none':
      break;
    case 'idf-component':
      add(idfComponentEdit(snapshot, reg.file, sources));
      break;
    case 'cmake-target':
      add(cmakeTargetEdit(snapshot, reg.file, reg.target, sources));
      break;
    case 'make-variable':
      add(makeVariableEdit(snapshot, reg.file, reg.variable, sources));
      break;
    case 'manual':
      out.notes.push(`Register the new sources: ${reg.hint}.`);
      break;
  }
  if (!needsTflm) return out;
  // A project that vendors TFLite Micro as its own component keeps it; a second copy would not link.
  const vendored = snapshot.listFiles().some((p) => /(^|\/)components\/[^/]*(tflite|tflm|tensorflow)[^/]*\//i.test(p));
  if (project.type === 'esp-idf' && !vendored) add(idfDependencyEdit(snapshot, project.sourceDir));
  if (project.type === 'zephyr') add(zephyrConfigEdit(snapshot, project.root));
  return out;
}
