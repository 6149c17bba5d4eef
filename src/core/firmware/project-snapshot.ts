/**
 * A read-only view of the files of a workspace folder, so project detection and export planning stay pure: the CLI
 * backs it with the file system, the extension with `vscode.workspace.fs`, tests with an object literal.
 */
export interface ProjectSnapshot {
  /** Paths of the files (not folders) relative to the snapshot root, with `/` separators, build outputs excluded. */
  listFiles(): readonly string[];
  /** Text of a file, or undefined when it does not exist or cannot be read. */
  readText(path: string): string | undefined;
  /** The first `maxChars` characters of a file; lets callers peek at huge generated sources cheaply. */
  readHead?(path: string, maxChars: number): string | undefined;
}

/** A snapshot over in-memory files, keyed by relative path. */
export function memorySnapshot(files: Record<string, string>): ProjectSnapshot {
  const paths = Object.keys(files).sort();
  return {
    listFiles: () => paths,
    readText: (p) => files[p],
  };
}

/** Folders that hold build outputs, dependencies or VCS data: never scanned, never where a project is detected. */
export const IGNORED_DIRS = new Set([
  '.git', '.svn', '.hg', 'node_modules', '.pio', 'build', '.build', 'out', 'dist', 'managed_components', '.vscode',
  'Debug', 'Release', '__pycache__', '.venv', 'venv',
]);

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** `joinPath('', 'src', 'a.cc')` -> `src/a.cc`; empty segments are dropped. */
export function joinPath(...parts: string[]): string {
  return parts.filter((s) => s !== '' && s !== '.').join('/');
}

/** Path of `p` relative to folder `from` (both snapshot-relative, `p` inside `from`). */
export function relativeTo(from: string, p: string): string {
  if (from === '') return p;
  return p.startsWith(`${from}/`) ? p.slice(from.length + 1) : p;
}

/** Path of `p` seen from folder `from` (both snapshot-relative), with `..` where it leaves `from`. */
export function pathFrom(from: string, p: string): string {
  const a = from.split('/').filter(Boolean);
  const b = p.split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/') || '.';
}

export function isInside(dir: string, p: string): boolean {
  return dir === '' || p === dir || p.startsWith(`${dir}/`);
}
