/**
 * The extension's one log: the "TinyML Toolkit" output channel (a LogOutputChannel, so the user's log level
 * applies). Created on first use, so activation does not pay for it; disposed with the extension.
 */
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('TinyML Toolkit', { log: true });
  return channel;
}

/** Disposes the channel when the extension is deactivated (if it was ever created). */
export function registerLog(context: vscode.ExtensionContext): void {
  context.subscriptions.push({ dispose: () => { channel?.dispose(); channel = undefined; } });
}

/** Logs an error the user was shown (or that had no place to be shown), with its stack when it has one. */
export function logError(what: string, err: unknown): void {
  log().error(`${what}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
}
