/**
 * One marker rule for the export (may this file be regenerated in place?) and the hover (which model does this
 * firmware run?): both are driven here through the product's own paths (planExport and applyExportPlan on the disk,
 * locateModel on the disk) over the same files, and must agree on each.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { generateCArrayHeader, generateCArraySource, sha256Hex } from '../../src/core/codegen';
import {
  isGeneratedByUs, MARKER_SEARCH_CHARS, parseModelMarker, readGeneratedHeader, type ModelProvenance,
} from '../../src/core/codegen/marker';
import { applyExportPlan } from '../../src/core/firmware/node-apply';
import { folderProject, planExport } from '../../src/core/firmware';
import { locateModel } from '../../src/core/firmware/locate-model';
import { nodeSourceFiles } from '../../src/core/firmware/node-files';
import { nodeProjectSnapshot } from '../../src/core/firmware/node-snapshot';
import { ModelBuilder, writeModel } from '../../src/core/tflite';
import { tempDir } from '../helpers/temp-dir';

const root = tempDir('tinyml-marker-');
after(() => fs.rmSync(root, { recursive: true, force: true }));

function model(): Uint8Array {
  const b = new ModelBuilder({ seed: 3 });
  b.output(b.fullyConnected(b.input('x', [1, 8]), 4));
  return writeModel(b.build());
}
const bytes = model();
const prov: ModelProvenance = { modelPath: 'model.tflite', sha256: sha256Hex(bytes), byteSize: bytes.length, date: new Date(0) };
const header = generateCArrayHeader(prov);

/** An Apache-style licence banner of about `chars` characters, in `//` lines as firmware projects paste them. */
function banner(chars: number): string {
  const line = '// Licensed under the Apache License, Version 2.0; you may not use this file except in compliance.\n';
  return `// Copyright 2026 Example Devices Ltd.\n${line.repeat(Math.ceil(chars / line.length))}\n`;
}

interface Case {
  name: string;
  text: string;
  ours: boolean;
}
const CASES: Case[] = [
  { name: 'a generated header', text: header, ours: true },
  { name: 'a generated source', text: Buffer.from(generateCArraySource(bytes, prov)).toString('latin1'), ours: true },
  { name: 'behind a 3,000-character licence banner', text: banner(3000) + header, ours: true },
  { name: 'the marker just inside the window', text: '//' + ' '.repeat(MARKER_SEARCH_CHARS - 40) + '\n' + header, ours: true },
  { name: 'with CRLF line ends', text: (banner(500) + header).replace(/\n/g, '\r\n'), ours: true },
  { name: 'behind a 5,000-character banner (past the window)', text: banner(5000) + header, ours: false },
  { name: 'the words in prose, not as the marker line', text: `// This file was once ${header.slice(3)}`, ours: false },
  { name: 'provenance lines without the marker', text: header.split('\n').slice(1).join('\n'), ours: false },
  { name: 'the user\'s own model header', text: '// my model\nextern const unsigned char g_model[];\n', ours: false },
];

/** Export's verdict, as the CLI gets it: the plan's kind for the existing header, then applying it without --force. */
async function exportSaysOurs(dir: string): Promise<boolean> {
  const plan = planExport({ modelBytes: bytes, modelPath: 'model.tflite', snapshot: nodeProjectSnapshot(dir), project: folderProject(''), date: new Date(0) });
  const file = plan.files.find((f) => f.path === 'model_data.h');
  assert.ok(file, 'the plan writes model_data.h');
  let applied = true;
  try {
    await applyExportPlan(plan, dir);
  } catch {
    applied = false;
  }
  assert.equal(applied, file.kind === 'update', 'planning and applying judge the file alike');
  return file.kind === 'update';
}

/** The hover's verdict: does locateModel follow main.cc's include to the header's provenance? */
async function hoverSaysOurs(ws: string, main: string): Promise<boolean> {
  const loc = await locateModel({
    file: main, text: fs.readFileSync(main, 'latin1'), workspaceFolders: [ws], findWorkspaceModels: async () => [],
  }, nodeSourceFiles);
  return loc.kind === 'marker';
}

describe('the provenance marker: one rule for export and hover', () => {
  for (const [i, c] of CASES.entries()) {
    test(`${c.name}: ${c.ours ? 'ours' : 'not ours'} for both`, async () => {
      const ws = path.join(root, `case${i}`);
      fs.mkdirSync(ws, { recursive: true });
      fs.writeFileSync(path.join(ws, 'model.tflite'), bytes);
      fs.writeFileSync(path.join(ws, 'model_data.h'), c.text);
      const main = path.join(ws, 'main.cc');
      fs.writeFileSync(main, '#include "model_data.h"\nvoid setup() { tflite::GetModel(g_model); }\n');

      assert.equal(isGeneratedByUs(c.text), c.ours, 'isGeneratedByUs (text)');
      assert.equal(isGeneratedByUs(Buffer.from(c.text, 'latin1')), c.ours, 'isGeneratedByUs (bytes)');
      assert.equal(parseModelMarker(c.text) !== undefined, c.ours, 'parseModelMarker');
      const hover = await hoverSaysOurs(ws, main);
      const exported = await exportSaysOurs(ws);
      assert.equal(hover, c.ours, 'hover');
      assert.equal(exported, c.ours, 'export');
    });
  }

  test('the block after the marker is read, not a banner line above it', () => {
    const text = `// Model: somebody-elses.tflite\n${banner(200)}${header}`;
    assert.equal(parseModelMarker(text)?.modelPath, 'model.tflite');
  });

  test('a marker without readable provenance is still ours to regenerate, and gives the hover no model', () => {
    const text = '// Generated by TinyML Toolkit: model data\n// Model: x.tflite\n// SHA-256: nothex\n';
    assert.deepEqual(readGeneratedHeader(text), { purpose: 'model data' });
    assert.ok(isGeneratedByUs(text));
    assert.equal(parseModelMarker(text), undefined);
  });
});
