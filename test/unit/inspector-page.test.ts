import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCount, formatShape } from '../../src/core/common/format';
import { formatQuant } from '../../src/extension/inspector/format';
import { escapeHtml, inspectorHtml } from '../../src/extension/inspector/webview-html';

const parts = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.css',
  nonce: 'abc123',
  title: 'model.tflite',
};

test('the inspector page allows only our nonce-tagged script and our own stylesheet', () => {
  const html = inspectorHtml(parts);
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /^default-src 'none'; /);
  assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(csp, /style-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net(;|$)/);
  assert.match(html, /<script nonce="abc123" src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.js"><\/script>/);
  assert.equal(html.match(/<script/g)?.length, 1, 'no inline script');
});

test('a file name with markup in it is escaped in the page shell', () => {
  const html = inspectorHtml({ ...parts, title: '<img src=x onerror=alert(1)>.tflite' });
  assert.ok(!html.includes('<img'), 'no raw tag from the file name');
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;.tflite'));
  assert.equal(escapeHtml(`a&b"c'd`), 'a&amp;b&quot;c&#39;d');
});

test('shapes, quantization and counts are formatted for reading', () => {
  assert.equal(formatShape([1, 96, 96, 1]), '[1, 96, 96, 1]');
  assert.equal(formatShape([]), 'scalar');
  assert.equal(formatQuant(undefined, undefined), '—');
  assert.equal(formatQuant(0.003921568859368563, -128), 'scale 0.003922 · zp -128');
  assert.equal(formatQuant([0.5], [0]), 'scale 0.5000 · zp 0');
  assert.equal(formatQuant([0.1, 0.2, 0.3], [0, 0, 0]), 'per-channel (3)');
  assert.equal(formatQuant([], []), '—');
  assert.equal(formatCount(1234567), '1,234,567');
});
