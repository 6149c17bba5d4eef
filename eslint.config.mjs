// ESLint (flat config): typescript-eslint's recommended rules plus the project's layer rules (DEVELOPERS.md,
// "Architecture"). The layer of a file is the folder it sits in; an import is resolved to the file it names and
// checked against the layer table below, so `../../extension/x` and `../src/extension/x` are caught alike.
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import path from 'node:path';
import tseslint from 'typescript-eslint';

const root = path.dirname(new URL(import.meta.url).pathname);

/**
 * Who may import whom ("downward only"). Node builtins and `vscode` are listed per layer too.
 * test/ and bench/ are harnesses: they may reach any layer.
 */
export const LAYERS = {
  core: { may: ['core'], node: true, vscode: false },
  protocol: { may: ['protocol', 'core'], node: false, vscode: false },
  cli: { may: ['cli', 'core'], node: true, vscode: false },
  extension: { may: ['extension', 'protocol', 'core'], node: true, vscode: true },
  // The webview bundle runs in the browser: no Node, no extension host. Which core modules are browser-safe is
  // checked by type-checking webview/ without @types/node (webview/tsconfig.json).
  webview: { may: ['webview', 'protocol', 'core'], node: false, vscode: false },
};

const LAYER_DIRS = [
  ['core', 'src/core'],
  ['protocol', 'src/protocol'],
  ['cli', 'src/cli'],
  ['extension', 'src/extension'],
  ['webview', 'webview'],
];

function layerOf(file) {
  const rel = path.relative(root, file).split(path.sep).join('/');
  for (const [name, dir] of LAYER_DIRS) if (rel === dir || rel.startsWith(`${dir}/`)) return name;
  return undefined;
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isNodeBuiltin = (source) => source.startsWith('node:') || NODE_BUILTINS.has(source) || NODE_BUILTINS.has(source.split('/')[0]);

const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports go downward only: core <- protocol <- extension/webview, core <- cli; no vscode or Node where it cannot run.' },
    messages: {
      layer: '{{from}} must not import {{to}} ("{{source}}"): {{from}} may import only {{allowed}}.',
      vscode: '{{from}} must not import "vscode": only src/extension/ runs in the extension host.',
      node: '{{from}} must not import the Node builtin "{{source}}": it runs in the browser.',
    },
    schema: [],
  },
  create(context) {
    const from = layerOf(context.filename);
    if (!from) return {};
    const rules = LAYERS[from];
    const check = (node, source) => {
      if (typeof source !== 'string') return;
      if (source === 'vscode') {
        if (!rules.vscode) context.report({ node, messageId: 'vscode', data: { from } });
        return;
      }
      if (isNodeBuiltin(source)) {
        if (!rules.node) context.report({ node, messageId: 'node', data: { from, source } });
        return;
      }
      if (!source.startsWith('.')) return; // an npm package
      const to = layerOf(path.resolve(path.dirname(context.filename), source));
      if (to && !rules.may.includes(to)) {
        context.report({ node, messageId: 'layer', data: { from, to, source, allowed: rules.may.join(', ') } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node.arguments[0], node.arguments[0].value);
        }
      },
      TSImportType: (node) => {
        const arg = node.argument;
        const literal = arg?.type === 'TSLiteralType' ? arg.literal : arg;
        if (literal?.type === 'Literal') check(literal, literal.value);
      },
    };
  },
};

/**
 * src/protocol/ is type-only: the messages and error shapes both sides agree on, with no code to bundle twice or
 * drift. Anything that would emit JavaScript is an error there.
 */
const TYPE_ONLY = 'src/protocol/ is type-only (types and interfaces, imported with `import type`): put code in the layer that runs it.';
const typeOnlySyntax = [
  'ImportDeclaration[importKind="value"] > ImportSpecifier[importKind="value"]',
  'ImportDeclaration[importKind="value"] > ImportDefaultSpecifier',
  'ImportDeclaration[importKind="value"] > ImportNamespaceSpecifier',
  'ImportDeclaration[specifiers.length=0]',
  'ExportNamedDeclaration[exportKind="value"] > ExportSpecifier[exportKind="value"]',
  'ExportAllDeclaration[exportKind="value"]',
  'ExportDefaultDeclaration',
  'VariableDeclaration',
  'FunctionDeclaration',
  'ClassDeclaration',
  'TSEnumDeclaration',
  'ExpressionStatement',
].map((selector) => ({ selector, message: TYPE_ONLY }));

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'src/core/tflite/generated/**', 'src/core/tflite/generated-meta/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { tinyml: { rules: { layers: layersRule } } },
    rules: {
      'tinyml/layers': 'error',
      // Unused names are errors, except the `_`-prefixed ones kept for a signature.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Lazy `require()` keeps heavy modules out of activation (DEVELOPERS.md: activation <= 50 ms).
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...typeOnlySyntax] },
  },
);
