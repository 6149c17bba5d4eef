/**
 * The lint config (eslint.config.mjs) catches layer violations: each snippet is linted as if it were a file of that
 * layer (ESLint's lintText with a filePath inside the project), and the boundary error is asserted by rule and text.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { PROJECT_ROOT } from '../helpers/paths';

const eslint = new ESLint({ cwd: PROJECT_ROOT });

async function lint(file: string, code: string): Promise<{ rule: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(PROJECT_ROOT, file) });
  assert.ok(result, `${file} was linted`);
  return result.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}

const rules = (found: { rule: string | null }[]) => found.map((m) => m.rule);

test('src/core importing vscode, the extension, the CLI or the webview is an error', async () => {
  const found = await lint('src/core/analysis/lint-probe.ts', [
    "import * as vscode from 'vscode';",
    "import { activate } from '../../extension/extension';",
    "import type { CliIo } from '../../cli/cli-io';",
    "import { VIEW_NAMES } from '../../../webview/lib/view-names';",
    'export const probe = [vscode, activate, VIEW_NAMES] as unknown as CliIo;',
  ].join('\n'));
  console.log(`    ${found.map((m) => m.message).join('\n    ')}`);
  assert.deepEqual(rules(found), ['tinyml/layers', 'tinyml/layers', 'tinyml/layers', 'tinyml/layers']);
  assert.match(found[0]!.message, /^core must not import "vscode"/);
  assert.match(found[1]!.message, /^core must not import extension \("\.\.\/\.\.\/extension\/extension"\): core may import only core\.$/);
  assert.match(found[2]!.message, /^core must not import cli/);
  assert.match(found[3]!.message, /^core must not import webview/);
});

test('webview/ importing src/extension or a Node builtin is an error; protocol and core are fine', async () => {
  const found = await lint('webview/views/lint-probe.ts', [
    "import fs from 'node:fs';",
    "import path from 'path';",
    "import { INSPECTOR_VIEW_TYPE } from '../../src/extension/inspector/model-inspector-provider';",
    "import type { ViewName } from '../../src/protocol/inspector';",
    "import { formatBytes } from '../../src/core/analysis/inspector-format';",
    'export const probe: [unknown, unknown, unknown, ViewName, unknown] = [fs, path, INSPECTOR_VIEW_TYPE, "overview", formatBytes];',
  ].join('\n'));
  assert.deepEqual(found.map((m) => m.message), [
    'webview must not import the Node builtin "node:fs": it runs in the browser.',
    'webview must not import the Node builtin "path": it runs in the browser.',
    'webview must not import extension ("../../src/extension/inspector/model-inspector-provider"): webview may import only webview, protocol, core.',
  ]);
});

test('layers import downward only: the CLI not the extension, the extension not the webview, protocol not the extension', async () => {
  const cli = await lint('src/cli/commands/lint-probe.ts', "export { exportModel } from '../../extension/export/export-command';\n");
  assert.match(cli[0]?.message ?? '', /^cli must not import extension/);
  const ext = await lint('src/extension/inspector/lint-probe.ts', "export const lazy = () => require('../../../webview/lib/format');\n");
  assert.match(ext[0]?.message ?? '', /^extension must not import webview/);
  const protocol = await lint('src/protocol/lint-probe.ts', "export type Probe = import('../extension/extension').TinymlApi;\n");
  assert.ok(protocol.some((m) => /^protocol must not import extension/.test(m.message)), JSON.stringify(protocol));
  const fine = await lint('src/extension/inspector/lint-probe.ts', "import * as vscode from 'vscode';\nimport { readModel } from '../../core/tflite';\nimport type { ViewName } from '../../protocol/inspector';\nexport const ok: [unknown, unknown, ViewName] = [vscode, readModel, 'graph'];\n");
  assert.deepEqual(fine, [], 'the extension may import vscode, core and protocol');
});

test('src/protocol is type-only: a value import, a constant, a function or an enum there is an error', async () => {
  const found = await lint('src/protocol/lint-probe.ts', [
    "import type { Model } from '../core/tflite';",
    "import { readModel } from '../core/tflite';",
    "export type { Model };",
    "export const KINDS = ['a', 'b'];",
    'export function kind(): string { return typeof readModel; }',
    'export enum Kind { A }',
    'export interface Ok { kind: "a" | "b" }',
  ].join('\n'));
  assert.deepEqual(found.map((m) => `${m.rule}`), Array(4).fill('no-restricted-syntax'));
  assert.ok(found.every((m) => m.message.startsWith('src/protocol/ is type-only')));
});
