/** A ProjectSnapshot over a folder on disk, for the CLI (the extension builds one over vscode.workspace.fs). */
import fs from 'node:fs';
import path from 'node:path';
import { IGNORED_DIRS, type ProjectSnapshot } from './project-snapshot';

/** Enough for any firmware project; a home folder passed by mistake stops here instead of walking for minutes. */
const DEFAULT_MAX_FILES = 20_000;
const MAX_DEPTH = 8;

export function nodeProjectSnapshot(rootDir: string, maxFiles = DEFAULT_MAX_FILES): ProjectSnapshot {
  let files: string[] | undefined;
  const abs = (rel: string): string => path.join(rootDir, ...rel.split('/'));
  const list = (): string[] => {
    const out: string[] = [];
    const walk = (rel: string, depth: number): void => {
      if (out.length >= maxFiles || depth > MAX_DEPTH) return;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(rel ? abs(rel) : rootDir, { withFileTypes: true });
      } catch {
        return; // unreadable or missing folder: nothing to detect there
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (!IGNORED_DIRS.has(e.name)) walk(p, depth + 1);
        } else if (e.isFile() && out.length < maxFiles) {
          out.push(p);
        }
      }
    };
    walk('', 0);
    return out;
  };
  return {
    listFiles: () => (files ??= list()),
    readText(rel) {
      try {
        return fs.readFileSync(abs(rel), 'utf8');
      } catch {
        return undefined;
      }
    },
    readHead(rel, maxChars) {
      let fd: number | undefined;
      try {
        fd = fs.openSync(abs(rel), 'r');
        const buf = Buffer.alloc(maxChars);
        const n = fs.readSync(fd, buf, 0, maxChars, 0);
        return buf.subarray(0, n).toString('utf8');
      } catch {
        return undefined;
      } finally {
        if (fd !== undefined) fs.closeSync(fd);
      }
    },
  };
}
