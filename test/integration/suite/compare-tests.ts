/**
 * TinyML: Compare Models… with the per-layer SQNR, in a real VS Code (code-server): a float model quantized by
 * Quantize Model (whose saved report names its data) is compared with its int8 version on the held-out samples; the
 * SQNR column is filled and both graphs are coloured by it with the SQNR legend; Cancel stops the run; a pair without
 * a report runs on seeded inputs. Screenshots of the compare view go to $TINYML_IT_SCREENSHOTS.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { seededRandom, writeNpy } from '../../../src/core/data';
import { buildSensorAnomalyModel, SENSOR_BINS } from '../../../src/core/samples/sensor-anomaly-model';
import { writeModel } from '../../../src/core/tflite';
import type { CompareCommandArgs, CompareCommandResult } from '../../../src/extension/compare/compare-command';
import type { QuantizeCommandArgs, QuantizeCommandResult } from '../../../src/extension/quantize/quantize-command';
import { copyIntoWorkspace } from './inspector-tests';
import type { TestCase } from './runner';
import { screenshot } from './screenshot';
import { activated } from './tinyml-api';

const FOLDER = 'compare';

function inFolder(...parts: string[]): string {
  const ws = vscode.workspace.workspaceFolders?.[0];
  assert.ok(ws, 'the test run opens a workspace folder');
  return path.join(ws.uri.fsPath, FOLDER, ...parts);
}

/** The sensor autoencoder (float) and 120 spectra to calibrate it, quantized by the command: the int8 file and its report. */
async function quantizedPair(): Promise<{ floatFile: string; intFile: string }> {
  const floatFile = inFolder('sensor_float.tflite');
  const data = inFolder('spectra.npy');
  fs.mkdirSync(path.dirname(floatFile), { recursive: true });
  fs.writeFileSync(floatFile, writeModel(buildSensorAnomalyModel()));
  const r = seededRandom(21);
  fs.writeFileSync(data, writeNpy([120, SENSOR_BINS], Float32Array.from({ length: 120 * SENSOR_BINS }, (_, i) => Math.exp(-((i % SENSOR_BINS) / 16)) * (0.5 + r()))));
  const args: QuantizeCommandArgs = { model: floatFile, data, ifExists: 'overwrite' };
  const q = await vscode.commands.executeCommand<QuantizeCommandResult>('tinyml.quantizeModel', args);
  assert.equal(q?.status, 'written', q?.message);
  assert.ok(fs.existsSync(inFolder('sensor_int8.report.json')), 'the report beside the int8 model');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  return { floatFile, intFile: q.output! };
}

async function compare(args: CompareCommandArgs): Promise<CompareCommandResult> {
  const result = await vscode.commands.executeCommand<CompareCommandResult>('tinyml.compareModels', args);
  assert.equal(result.status, 'shown', result.message);
  assert.ok(result.page, 'the page reported');
  return result;
}

export function compareTests(): TestCase[] {
  return [
    {
      name: 'compare: a float model and the int8 Quantize Model made of it, per-layer SQNR on the held-out samples, both graphs coloured by it',
      timeoutMs: 120_000,
      fn: async () => {
        await activated();
        const { floatFile, intFile } = await quantizedPair();
        const result = await compare({ a: floatFile, b: intFile });
        const page = result.page!;
        console.log(`    compare sensor float/int8: ${result.matches} layers matched, SQNR ${page.sqnr} for ${page.sqnrRows} on ${page.inputs} inputs; legend A "${page.legendA}"`);
        assert.equal(page.sqnr, 'done');
        assert.equal(page.inputs, 'held-out');
        assert.ok((page.sqnrRows ?? 0) >= 3, `${page.sqnrRows} layers have an SQNR`);
        assert.equal(page.overlayA, 'sqnr');
        assert.equal(page.overlayB, 'sqnr');
        assert.match(page.legendA ?? '', /SQNR per layer.*dB.*sensor_int8\.tflite against sensor_float\.tflite on held-out samples/);
        assert.match(page.legendB ?? '', /SQNR per layer/);
        await screenshot('compare-sqnr');
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      },
    },
    {
      name: 'compare: Cancel stops the SQNR run and the page says so',
      timeoutMs: 120_000,
      fn: async () => {
        await activated();
        const floatFile = inFolder('sensor_float.tflite');
        const intFile = inFolder('sensor_int8.tflite');
        if (!fs.existsSync(intFile)) await quantizedPair();
        const result = await compare({ a: floatFile, b: intFile, cancel: true });
        assert.equal(result.page!.sqnr, 'cancelled');
        assert.equal(result.page!.sqnrRows, 0);
        assert.equal(result.page!.overlayA, '', 'no SQNR colouring without an SQNR');
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      },
    },
    {
      name: 'compare: hello_world float and int8 without a report run on seeded inputs, every FULLY_CONNECTED scored',
      timeoutMs: 60_000,
      fn: async () => {
        await activated();
        const a = copyIntoWorkspace('../shared/models/tflm/examples/hello_world/hello_world_float.tflite', 'hello_world_float.tflite');
        const b = copyIntoWorkspace('../shared/models/tflm/examples/hello_world/hello_world_int8.tflite', 'hello_world_int8.tflite');
        const result = await compare({ a: a.fsPath, b: b.fsPath });
        console.log(`    compare hello_world: SQNR ${result.page!.sqnr} for ${result.page!.sqnrRows} of ${result.matches} layers on ${result.page!.inputs} inputs`);
        assert.equal(result.page!.sqnr, 'done');
        assert.equal(result.page!.inputs, 'seeded');
        assert.equal(result.page!.sqnrRows, result.matches, 'hello_world: 3 FULLY_CONNECTED, all float outputs');
        assert.match(result.page!.legendB ?? '', /on seeded inputs/);
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      },
    },
  ];
}
