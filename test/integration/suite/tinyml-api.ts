import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TinymlApi } from '../../../src/extension/extension';

export const EXTENSION_ID = 'tinyml-toolkit.tinyml-toolkit';

/** The extension's test API (activate returns it in test runs only), activating the extension if no test did yet. */
export async function activated(): Promise<TinymlApi> {
  const ext = vscode.extensions.getExtension<TinymlApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  assert.ok(api, 'activate returns the test API in a test run');
  return api;
}
