/**
 * The decisions and texts of the export commands that need no editor: ranking the targets, the preview, conflict
 * resolution, how each file is written, and the text inserted at the cursor. The command modules only ask and show.
 */
import { isWithin } from '../../core/io/path-within';
import path from 'node:path';
import { isCIdentifier, modelFileBase } from '../../core/codegen';
import { type ExportPlan, type PlannedFile } from '../../core/firmware';
import { formatBytes, formatBytesExact } from '../../core/common/format';
import type { DetectedTarget, RunnerJobResult } from './export-job';

export const DEFAULT_EXPORT_SYMBOL = 'g_model';

/** Why a symbol cannot be used, or undefined when it can (InputBox validation). */
export function symbolProblem(symbol: string): string | undefined {
  if (!isCIdentifier(symbol)) return 'Use a C identifier that is not a keyword: letters, digits and _, not starting with a digit (e.g. g_model).';
  if (!isCIdentifier(`${modelFileBase(symbol)}_setup`)) return `"${symbol}" gives unusable function names; choose another (e.g. g_model).`;
  return undefined;
}

function depth(dir: string): number {
  return dir === '' ? 0 : dir.split('/').length;
}

const contains = (dir: string, file: string): boolean => isWithin(file, dir);

/** Absolute path of a target's project folder. */
export function targetDir(t: DetectedTarget): string {
  return t.project.root === '' ? t.rootFsPath : path.join(t.rootFsPath, ...t.project.root.split('/'));
}

/**
 * Targets for the picker: projects that contain the model first (the innermost first), then the rest in detection
 * order (shallowest first, the more specific build system first). Stable otherwise.
 */
export function rankTargets(targets: readonly DetectedTarget[], modelFsPath: string | undefined): DetectedTarget[] {
  const score = (t: DetectedTarget): number => (modelFsPath && contains(targetDir(t), modelFsPath) ? -1000 + -depth(t.project.root) : 0);
  return targets.map((t, i) => ({ t, i, s: score(t) })).sort((a, b) => a.s - b.s || a.i - b.i).map((x) => x.t);
}

/**
 * The runner headers that belong to `file`'s project: those inside the innermost detected project that contains the
 * file (a file in no project: those under its own folder), the nearest to the file (deepest common folder) only. Two
 * projects in one workspace each have their own export; a header with the same prefix in the other one is not ours.
 */
export function runnerHeadersOfProject<H extends { fsPath: string }>(file: string, targets: readonly DetectedTarget[], headers: readonly H[]): H[] {
  const project = rankTargets(targets, file).find((t) => contains(targetDir(t), file));
  const root = project ? targetDir(project) : path.dirname(file);
  const common = (a: string): number => {
    const x = path.dirname(a).split(path.sep), y = path.dirname(file).split(path.sep);
    let n = 0;
    while (n < x.length && n < y.length && x[n] === y[n]) n++;
    return n;
  };
  const inside = headers.filter((h) => contains(root, h.fsPath)).map((h) => ({ h, depth: common(h.fsPath) }));
  const deepest = Math.max(-1, ...inside.map((x) => x.depth));
  return inside.filter((x) => x.depth === deepest).map((x) => x.h);
}

const TYPE_LABELS: Record<string, string> = {
  platformio: 'PlatformIO', arduino: 'Arduino sketch', 'esp-idf': 'ESP-IDF', zephyr: 'Zephyr', stm32cube: 'STM32CubeIDE',
  cmake: 'CMake', make: 'Make', folder: 'Folder',
};

export function projectTypeLabel(type: string): string {
  return TYPE_LABELS[type] ?? type;
}

/** Where the files of a target go, e.g. "sources in src/, headers in include/". */
export function targetLayout(t: DetectedTarget): string {
  const rel = (p: string): string => `${path.posix.relative(t.project.root, p) || '.'}/`;
  const { sourceDir, includeDir, registration } = t.project;
  const where = sourceDir === includeDir ? `files in ${rel(sourceDir)}` : `sources in ${rel(sourceDir)}, headers in ${rel(includeDir)}`;
  const reg = registration.kind === 'none' ? '' : registration.kind === 'manual' ? '; add them to the build by hand' : `; registered in ${path.posix.basename(registration.file)}`;
  return `${where}${reg}`;
}

export type ConflictChoice = 'overwrite' | 'skip';

/** The plan with the user's answer for files that exist and are not ours: kept (overwritten) or dropped. */
export function resolveConflicts(plan: ExportPlan, choice: ConflictChoice): ExportPlan {
  if (choice === 'overwrite') return plan;
  return { ...plan, files: plan.files.filter((f) => f.kind !== 'conflict') };
}

/**
 * Files above this size do not go through the WorkspaceEdit: its contents travel to the workbench and back (in a
 * remote window, over the network), and a 170 MB array there stalled the connection until it dropped. They are
 * written by the extension host directly, next to the edit, and Undo does not cover them.
 */
export const EDIT_MAX_BYTES = 4 * 1024 * 1024;

export type WriteMethod =
  /** createFile with contents: undo deletes the file. */
  | 'create'
  /** A text edit over the whole document: undo restores the previous text (the document is then unsaved). */
  | 'replace'
  /** Written to disk by the extension host (too big for the edit): outside Undo. */
  | 'direct';

/** `existingBytes`: size of the file on disk, undefined when there is none. */
export function writeMethod(contentBytes: number, existingBytes: number | undefined): WriteMethod {
  if (contentBytes > EDIT_MAX_BYTES || (existingBytes ?? 0) > EDIT_MAX_BYTES) return 'direct';
  return existingBytes === undefined ? 'create' : 'replace';
}

const KIND_VERB: Record<PlannedFile['kind'], string> = { create: 'create', update: 'update', conflict: 'overwrite (not ours)' };

export interface PreviewLine {
  icon: 'new-file' | 'sync' | 'warning' | 'edit' | 'info';
  label: string;
  description: string;
  detail?: string;
  /** The file the line is about (project-relative): picking the line reveals it. */
  path?: string;
}

/** One line per new or changed file, build-file edit and note, for the preview QuickPick. */
export function previewLines(plan: ExportPlan, shown: (rel: string) => string): PreviewLine[] {
  const lines: PreviewLine[] = [];
  for (const f of plan.files) {
    lines.push({
      icon: f.kind === 'create' ? 'new-file' : f.kind === 'update' ? 'sync' : 'warning',
      label: shown(f.path),
      description: `${KIND_VERB[f.kind]} · ${formatBytes(f.contents.length)}${f.contents.length > EDIT_MAX_BYTES ? ' · written directly, not undoable' : ''}`,
      detail: f.description,
      path: f.path,
    });
  }
  for (const e of plan.edits) lines.push({ icon: 'edit', label: shown(e.path), description: e.oldContents === undefined ? 'create build file' : 'edit build file', detail: e.description, path: e.path });
  if (plan.resolver) {
    lines.push({ icon: 'info', label: `MicroMutableOpResolver<${plan.resolver.size}>`, description: 'op resolver', detail: resolverOps(plan).join(', ') });
  }
  if (plan.arena) lines.push({ icon: 'info', label: `Recommended arena ${formatBytesExact(plan.arena.bytes)}`, description: 'kTensorArenaSize', detail: plan.arena.explanation });
  for (const n of plan.notes) lines.push({ icon: 'info', label: n, description: 'note' });
  return lines;
}

function resolverOps(plan: ExportPlan): string[] {
  return (plan.resolver?.entries ?? []).map((e) => (e.kind === 'method' ? e.method.replace(/^Add/, '') : `${e.op} (TODO)`));
}

/** Lines only in `a` or only in `b`, as a minimal unified-style listing for small build files. */
export function lineDiff(oldText: string, newText: string): string {
  const a = oldText.split('\n');
  const b = newText.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out = [`@@ line ${start + 1} @@`];
  for (const l of a.slice(start, endA)) out.push(`-${l}`);
  for (const l of b.slice(start, endB)) out.push(`+${l}`);
  return out.join('\n');
}

/** The full preview as Markdown: files, build-file diffs, resolver, arena, notes. */
export function previewMarkdown(plan: ExportPlan, modelLabel: string, shown: (rel: string) => string): string {
  const p = plan.project;
  const md: string[] = [`# Export ${modelLabel}`, '', `Into: ${projectTypeLabel(p.type)} project at \`${shown(p.root) || '.'}\``, ''];
  md.push('## Files', '');
  for (const f of plan.files) {
    const direct = f.contents.length > EDIT_MAX_BYTES ? ' Too big for the editor\'s undo: written directly; Undo leaves it (delete it or re-export).' : '';
    md.push(`- **${KIND_VERB[f.kind]}** \`${shown(f.path)}\` (${formatBytes(f.contents.length)}): ${f.description}.${direct}`);
  }
  if (plan.edits.length) {
    md.push('', '## Build files', '');
    for (const e of plan.edits) {
      md.push(`- \`${shown(e.path)}\`: ${e.description}`, '', '```diff', lineDiff(e.oldContents ?? '', e.newContents), '```', '');
    }
  }
  if (plan.resolver) md.push('', `Op resolver: \`MicroMutableOpResolver<${plan.resolver.size}>\`: ${resolverOps(plan).join(', ')}`);
  if (plan.arena) md.push('', `Tensor arena: ${plan.arena.bytes} bytes (${plan.arena.explanation})`);
  if (plan.notes.length) md.push('', '## Notes', '', ...plan.notes.map((n) => `- ${n}`));
  md.push('', 'Undo (Edit > Undo in one of the exported files) removes the new files and restores edited ones; save the restored files afterwards.');
  return md.join('\n') + '\n';
}

/** A model exported earlier in this workspace, found through the provenance comment of its data header. */
export interface ExportedModel {
  /** Model path as the comment records it (workspace-relative). */
  modelPath: string;
  symbol: string;
  /** File name of the data header, as the runner #includes it. */
  dataHeader: string;
}

/** Reads the symbol from a data header we generated: `extern const unsigned char g_model[];`. */
export function exportedModelFromHeader(headerName: string, text: string, modelPath: string | undefined): ExportedModel | undefined {
  if (!modelPath) return undefined;
  const m = /extern\s+const\s+unsigned\s+char\s+([A-Za-z_]\w*)\s*\[\s*\]\s*;/.exec(text);
  return m ? { modelPath, symbol: m[1]!, dataHeader: headerName } : undefined;
}

const INSERT_FIRST_LINE = 'Inserted by TinyML Toolkit';

/** Drops the leading `// ...` comment block of a generated file. */
function withoutLeadingComment(text: string): string {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && lines[i]!.startsWith('//')) i++;
  return lines.slice(i).join('\n');
}

/**
 * The runner as one block for the cursor. C++: the runner header and source in one piece (declarations first, the
 * source without its #include of the header). C cannot hold TFLite Micro (a C++ library): there it is the calls to
 * the exported runner, which the export writes as a C++ file with a C header.
 */
export function insertionText(runner: RunnerJobResult, lang: 'c' | 'cpp', opts: { symbol: string; dataHeader: string; modelPath: string; exported: boolean }): string {
  const base = modelFileBase(opts.symbol);
  const M = base.toUpperCase();
  const provenance = runner.header.split('\n').filter((l) => /^\/\/ (Model|SHA-256|Size|Arena):/.test(l));
  const head = [
    `// ${INSERT_FIRST_LINE}: TensorFlow Lite Micro runner for ${opts.modelPath}`,
    `// MicroMutableOpResolver<${runner.resolverSize}>: ${runner.ops.join(', ')}.`,
    `// Tensor arena: ${runner.arenaBytes} bytes (${runner.arenaExplanation}).`,
    ...provenance,
  ];
  if (!opts.exported) head.push(`// ${opts.dataHeader} is written by "TinyML: Export Model to C Array" (symbol ${opts.symbol}).`);
  if (lang === 'c') {
    return [
      ...head,
      `// TFLite Micro is C++: "TinyML: Export Model to C Array" with the runner writes ${base}_runner.cpp/.cc and this header.`,
      `#include "${base}_runner.h"`,
      '',
      `static int ${base}_run(const float* input, float* output) {`,
      `  if (${base}_setup() != ${M}_OK) return -1;  // the log says why (arena size, missing op, schema)`,
      runner.header.includes(`${base}_set_input0(`)
        ? `  if (${base}_set_input0(input, ${M}_INPUT0_ELEMENTS) != ${M}_OK) return -1;`
        : `  // Fill ${base}_input0_data() with ${M}_INPUT0_ELEMENTS values from input.`,
      `  if (${base}_invoke() != ${M}_OK) return -1;`,
      runner.header.includes(`${base}_get_output0(`)
        ? `  if (${base}_get_output0(output, ${M}_OUTPUT0_ELEMENTS) != ${M}_OK) return -1;`
        : `  // Read ${M}_OUTPUT0_ELEMENTS values from ${base}_output0_data() into output.`,
      '  return 0;',
      '}',
      '',
    ].join('\n');
  }
  const source = withoutLeadingComment(runner.source)
    .split('\n')
    .filter((l) => l !== `#include "${base}_runner.h"`)
    .join('\n')
    .replace(/^\n+/, '');
  return `${head.join('\n')}\n${withoutLeadingComment(runner.header).replace(/^\n+/, '')}\n${source}`;
}
