import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCount } from '../../src/core/common/format';
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

test('counts on the page are grouped the same on every machine', () => {
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(0), '0');
});

test('the page is asked for render reports only when the extension runs its tests', () => {
  assert.ok(!inspectorHtml(parts).includes('data-report-renders'), 'a user\'s page builds no RenderReport');
  assert.match(inspectorHtml({ ...parts, reportRenders: true }), /<main id="app" aria-busy="true" data-report-renders="on">/);
});
