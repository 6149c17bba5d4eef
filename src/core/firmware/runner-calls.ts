/**
 * One arena and the calls where they go: finds the arena the user's code already declares (the arena hover's
 * patterns, through findArenaConstants) and computes the edits that put `<prefix>_setup()` (or
 * `<prefix>_setup_with_arena(their_arena, sizeof their_arena)`) and `<prefix>_invoke()` into the program's entry
 * points: `setup()`/`loop()` (Arduino, PlatformIO), `app_main` (ESP-IDF), `main` (Zephyr, CMake, Make, plain C).
 * Pure: the extension asks the user first and applies the edits as one undoable WorkspaceEdit.
 */
import { findArenaConstants } from './arena-constants';
import { codeView } from './c-source-text';
import type { ProjectType } from './project-detect';

/** An insertion into the text (offsets into the original text). */
export interface TextInsertion {
  offset: number;
  text: string;
}

export interface ProjectArena {
  /** The array's name, e.g. `tensor_arena`. */
  name: string;
  /** Offset of the name in the text. */
  offset: number;
  /** Its element type as declared (`uint8_t`, `unsigned char`, `char`, ...). */
  elementType: string;
}

/** The first arena array (a buffer, not a size constant) the text declares at file scope, by the arena patterns. */
export function findProjectArena(text: string, patterns: readonly RegExp[]): ProjectArena | undefined {
  const view = codeView(text);
  for (const c of findArenaConstants(text, patterns, view)) {
    if (c.kind !== 'array') continue;
    const before = text.slice(Math.max(0, c.nameOffset - 80), c.nameOffset);
    const type = /([A-Za-z_]\w*(?:\s+[A-Za-z_]\w*)?)\s*$/.exec(before.replace(/\)\s*$/, ''))?.[1] ?? '';
    const elementType = type.replace(/^(static|const|alignas|__attribute__)\s+/, '');
    return { name: c.name, offset: c.nameOffset, elementType };
  }
  return undefined;
}

export interface RunnerCallsPlan {
  insertions: TextInsertion[];
  /** What the edit does, for the consent question. */
  description: string;
  /** Whether the user's arena is reused (then the runner is exported with `<PREFIX>_EXTERNAL_ARENA` 1). */
  reusesArena: boolean;
}

/** Where the program starts and where it repeats, per project type. */
const ENTRY: Record<ProjectType, { setup: RegExp; loop?: RegExp; label: string }> = {
  platformio: { setup: /\bvoid\s+setup\s*\(\s*(?:void)?\s*\)\s*\{/, loop: /\bvoid\s+loop\s*\(\s*(?:void)?\s*\)\s*\{/, label: 'setup() and loop()' },
  arduino: { setup: /\bvoid\s+setup\s*\(\s*(?:void)?\s*\)\s*\{/, loop: /\bvoid\s+loop\s*\(\s*(?:void)?\s*\)\s*\{/, label: 'setup() and loop()' },
  'esp-idf': { setup: /\bvoid\s+app_main\s*\(\s*(?:void)?\s*\)\s*\{/, label: 'app_main()' },
  zephyr: { setup: /\bint\s+main\s*\([^)]*\)\s*\{/, label: 'main()' },
  stm32cube: { setup: /\bint\s+main\s*\([^)]*\)\s*\{/, label: 'main()' },
  cmake: { setup: /\bint\s+main\s*\([^)]*\)\s*\{/, label: 'main()' },
  make: { setup: /\bint\s+main\s*\([^)]*\)\s*\{/, label: 'main()' },
  folder: { setup: /\bint\s+main\s*\([^)]*\)\s*\{/, label: 'main()' },
};

/** The indentation of the first statement of the body that opens at `brace` (two spaces when it is empty). */
function bodyIndent(text: string, brace: number): string {
  const m = /^[^\S\n]*\n([ \t]+)\S/.exec(text.slice(brace + 1, brace + 200));
  return m ? m[1]! : '  ';
}

/**
 * The edits that call the runner from the entry points of `text` (a source of a project of `type`), or undefined
 * when the text has no entry point of that kind or already calls `<prefix>_setup`. With `arena`, the user's array is
 * passed to `<prefix>_setup_with_arena()`.
 */
export function planRunnerCalls(
  text: string, type: ProjectType, opts: { prefix: string; runnerHeader: string; arena?: ProjectArena },
): RunnerCallsPlan | undefined {
  const { prefix: P } = opts;
  const M = P.toUpperCase();
  const view = codeView(text);
  if (new RegExp(`\\b${P}_setup(?:_with_arena)?\\s*\\(`).test(view.code)) return undefined;
  const entry = ENTRY[type];
  const setup = entry.setup.exec(view.code);
  if (!setup) return undefined;
  const insertions: TextInsertion[] = [];

  // The #include after the last one at the top (or at the start).
  if (!text.includes(`"${opts.runnerHeader}"`)) {
    const includes = [...view.code.matchAll(/^[ \t]*#[ \t]*include\b[^\n]*\n?/gm)].filter((m) => m.index! < setup.index);
    const last = includes[includes.length - 1];
    const at = last ? view.toSource(last.index! + last[0].length) : 0;
    const nl = last && !last[0].endsWith('\n') ? '\n' : '';
    insertions.push({ offset: at, text: `${nl}#include "${opts.runnerHeader}"\n${last ? '' : '\n'}` });
  }

  const a = opts.arena;
  const arg = a ? (/^(uint8_t|unsigned\s+char)$/.test(a.elementType) ? a.name : `(uint8_t*)${a.name}`) : '';
  const call = a ? `${P}_setup_with_arena(${arg}, sizeof(${a.name}))` : `${P}_setup()`;
  const brace = view.toSource(setup.index + setup[0].length - 1);
  const indent = bodyIndent(text, brace);
  const lines = [
    `${indent}// TinyML Toolkit: load the model${a ? ` into ${a.name}` : ''}; the reason of a failure is logged.`,
    `${indent}if (${call} != ${M}_OK) {`,
    `${indent}  // handle the error (the model cannot run)`,
    `${indent}}`,
  ];
  const invoke = [
    `${indent}// TinyML Toolkit: fill ${P}_input0_data() (or ${P}_set_input0()), then run the model.`,
    `${indent}${P}_invoke();`,
  ];
  if (entry.loop) {
    insertions.push({ offset: brace + 1, text: `\n${lines.join('\n')}` });
    const loop = entry.loop.exec(view.code);
    if (loop) {
      const lb = view.toSource(loop.index + loop[0].length - 1);
      insertions.push({ offset: lb + 1, text: `\n${invoke.map((l) => l.replace(indent, bodyIndent(text, lb))).join('\n')}` });
    }
  } else {
    insertions.push({ offset: brace + 1, text: `\n${[...lines, ...invoke].join('\n')}` });
  }
  return {
    insertions: insertions.sort((x, y) => x.offset - y.offset),
    description: `call ${P}_setup${a ? `_with_arena(${a.name})` : '()'} and ${P}_invoke() from ${entry.label}`,
    reusesArena: !!a,
  };
}

/** The text with the insertions made (for tests and for appliers without a text-edit API). */
export function applyInsertions(text: string, insertions: readonly TextInsertion[]): string {
  let out = '';
  let at = 0;
  for (const ins of [...insertions].sort((x, y) => x.offset - y.offset)) {
    out += text.slice(at, ins.offset) + ins.text;
    at = ins.offset;
  }
  return out + text.slice(at);
}
