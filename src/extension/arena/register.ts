/**
 * Registers the tensor arena hover, diagnostics and quick fix for C, C++ and Arduino files. Registration is cheap:
 * the analysis service (and with it the model library and the arena estimator) is required on first use.
 */
import * as vscode from 'vscode';
import type { FitService } from '../fit/fit-service';
import type { ArenaService } from './arena-service';
import { ArenaDiagnostics } from './diagnostics';
import { ArenaHoverProvider } from './hover-provider';
import { ArenaQuickFixProvider } from './quick-fix';
import { ARENA_SELECTOR } from './selector';

export interface ArenaFeatures {
  diagnostics: ArenaDiagnostics;
}

/** `fit`: the fit service (loaded on first call), for the hover's line on the board; without it the hover has none. */
export function registerArenaFeatures(context: vscode.ExtensionContext, fit?: () => FitService): ArenaFeatures {
  let service: ArenaService | undefined;
  const getService = (): ArenaService => {
    if (!service) {
      const { ArenaService: Service } = require('./arena-service') as typeof import('./arena-service');
      service = new Service();
      context.subscriptions.push(service);
    }
    return service;
  };
  const diagnostics = new ArenaDiagnostics(getService);
  context.subscriptions.push(
    diagnostics,
    vscode.languages.registerHoverProvider(ARENA_SELECTOR, new ArenaHoverProvider(getService, fit)),
    vscode.languages.registerCodeActionsProvider(ARENA_SELECTOR, new ArenaQuickFixProvider(diagnostics), {
      providedCodeActionKinds: ArenaQuickFixProvider.kinds,
    }),
  );
  return { diagnostics };
}
