/** The documents the arena hover and diagnostics apply to: C, C++ and Arduino sketches (`.ino`). */
import * as vscode from 'vscode';

export const ARENA_SELECTOR: vscode.DocumentSelector = [
  { language: 'c' },
  { language: 'cpp' },
  // Without an Arduino extension a sketch may open as plain text; it is C++ all the same.
  { pattern: '**/*.ino' },
];

export function isArenaDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'c' || doc.languageId === 'cpp' || /\.ino$/i.test(doc.fileName);
}
