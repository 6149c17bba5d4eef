/**
 * Hover over an arena size constant (`kTensorArenaSize`, `TENSOR_ARENA_SIZE`, the bound of `tensor_arena[...]`) or
 * over the model array (`g_model`): the arena the model needs for the configured build and whether the declared
 * size is enough.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import type { ArenaConstant } from '../../core/firmware/arena-constants';
import type { FitService } from '../fit/fit-service';
import type { ArenaService, DocumentArenaInfo } from './arena-service';
import { escapeMarkdown } from '../../core/common/markdown';

/** What the cursor is on: an arena constant (defined in this file or not) or a model symbol. */
type HoverTarget = { kind: 'constant'; constant: ArenaConstant; range: vscode.Range } | { kind: 'model'; name: string; range: vscode.Range };

function targetAt(doc: vscode.TextDocument, pos: vscode.Position, info: DocumentArenaInfo, patterns: readonly RegExp[]): HoverTarget | undefined {
  const offset = doc.offsetAt(pos);
  const wordRange = doc.getWordRangeAtPosition(pos, /[A-Za-z_]\w*/);
  const word = wordRange ? doc.getText(wordRange) : undefined;
  if (word && wordRange) {
    const constant = info.constants.find((c) => c.name === word && c.kind !== 'array') ?? info.constants.find((c) => c.name === word);
    if (constant) return { kind: 'constant', constant, range: wordRange };
    if (info.modelNames.includes(word)) return { kind: 'model', name: word, range: wordRange };
    if (patterns.some((p) => p.test(word))) {
      // Defined in another file (a header): the estimate is still worth showing.
      const unknown: ArenaConstant = {
        name: word, kind: 'define', nameOffset: doc.offsetAt(wordRange.start), exprOffset: doc.offsetAt(wordRange.start),
        exprLength: word.length, exprText: word, refersTo: [],
        value: { ok: false, reason: `${word} is not defined in this file` },
      };
      return { kind: 'constant', constant: unknown, range: wordRange };
    }
  }
  // Inside the bound of an arena array: `tensor_arena[10 * 1024]`.
  const bound = info.constants.find((c) => c.kind === 'array' && offset >= c.exprOffset && offset <= c.exprOffset + c.exprLength);
  if (bound) {
    return { kind: 'constant', constant: bound, range: new vscode.Range(doc.positionAt(bound.exprOffset), doc.positionAt(bound.exprOffset + bound.exprLength)) };
  }
  return undefined;
}

export class ArenaHoverProvider implements vscode.HoverProvider {
  constructor(private readonly service: () => ArenaService, private readonly fit?: () => FitService) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const service = this.service();
    const info = service.documentInfo(doc);
    const target = targetAt(doc, pos, info, info.patterns);
    if (!target) return undefined;
    const analysis = await service.analyze(doc, target.kind === 'model' ? target.name : undefined);
    if (token.isCancellationRequested) return undefined;
    const report = require('../../core/firmware/arena-report') as typeof import('../../core/firmware/arena-report');
    const ctx = { relative: (f: string) => service.relative(f) };
    const markdown =
      target.kind === 'constant'
        ? report.arenaConstantMarkdown(target.constant, analysis, ctx)
        : report.modelSymbolMarkdown(target.name, analysis, ctx);
    const md = new vscode.MarkdownString(markdown, true);
    const model = analysis.loaded?.model;
    if (this.fit && model && analysis.loaded) {
      const { fitHoverMarkdown } = require('../../core/firmware/arena-report') as typeof import('../../core/firmware/arena-report');
      const loaded = analysis.loaded;
      // A .tflite file's fit runs in the inspector worker (a big model's suggestions take seconds); a C array's
      // (source `file#symbol`) here, as the worker reads .tflite files only.
      const fit = /\.tflite$/i.test(loaded.source) && path.isAbsolute(loaded.source)
        ? await this.fit().fitForFile(loaded.source, model, loaded.byteSize)
        : this.fit().fitFor(model, loaded.byteSize);
      if (token.isCancellationRequested) return undefined;
      md.appendMarkdown(`\n\n${fitHoverMarkdown(fit)}`);
    }
    if (info.invalidPatterns.length) {
      md.appendMarkdown(`\n\n$(warning) Ignored invalid tinyml.arena.constantPatterns: ${info.invalidPatterns.map((p) => escapeMarkdown(p)).join(', ')}`);
    }
    return new vscode.Hover(md, target.range);
  }
}
