/**
 * Finds, starts and keeps the LiteRT.js wasm runtime (one instance per process, started on first use).
 *
 * We always load the "compat" build (no relaxed SIMD): it runs on Node 20 and 24 alike, and it is the only variant
 * the packaged extension ships, in dist/litert/. The emscripten glue is a UMD script inside an ES-module package, so
 * it is compiled here as a CommonJS function instead of going through the package's `importScripts` path: no
 * globals (`self`, `importScripts`, `Module`) are defined. LiteRT's log lines are captured, not printed.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import { RuntimeError } from './errors';
import { wasmApi, type WasmApi, type WasmModule } from '../common/wasm-api';
import type { LiteRtWasmModule, ModuleFactory, WasmEnvironment } from './litert-wasm';

function requireWasm(): WasmApi {
  if (!wasmApi) throw new RuntimeError('runtime-unavailable', 'This JavaScript engine has no WebAssembly; LiteRT needs it (Node 20 or newer).');
  return wasmApi;
}

export const LITERT_GLUE_FILE = 'litert_wasm_compat_internal.js';
export const LITERT_WASM_FILE = 'litert_wasm_compat_internal.wasm';

export interface LiteRtInstance {
  readonly wasm: LiteRtWasmModule;
  readonly env: WasmEnvironment;
  /** False once the wasm trapped; objects created by this instance are unusable then. */
  alive: boolean;
  readonly dir: string;
  readonly startMs: number;
}

let instance: LiteRtInstance | undefined;
let starting: Promise<LiteRtInstance> | undefined;
let explicitDir: string | undefined;
/** The compiled wasm: compiled once per process, or handed over by the thread that compiled it. */
let compiled: Promise<WasmModule> | undefined;

/** Lines LiteRT printed since the last `takeLogLines()`, minus INFO/WARNING/VERBOSE chatter. */
let logLines: string[] = [];
const CHATTER = /^(INFO|WARNING|VERBOSE|DEBUG):/;

function onLogLine(line: string): void {
  if (CHATTER.test(line) || line.trim() === '') return;
  // A runaway op could log forever; keep the first lines, they name the cause.
  if (logLines.length < 200) logLines.push(line);
}

export function takeLogLines(): string[] {
  const lines = logLines;
  logLines = [];
  return lines;
}

/** Use LiteRT's wasm files from `dir` instead of searching (e.g. an extension's install folder). */
export function setLiteRtDirectory(dir: string | undefined): void {
  explicitDir = dir;
}

/** Where the wasm files are looked for, in order: the explicit folder, `litert/` next to the bundle, node_modules. */
export function liteRtSearchPath(): string[] {
  const dirs: string[] = [];
  if (explicitDir) dirs.push(explicitDir);
  // Bundled: dist/extension.js and dist/cli.js sit next to dist/litert/.
  dirs.push(path.join(__dirname, 'litert'));
  try {
    dirs.push(path.join(path.dirname(require.resolve('@litertjs/core/package.json')), 'wasm'));
  } catch {
    // Not installed: only the bundled copy can work.
  }
  return dirs;
}

function findLiteRtDirectory(): string {
  const dirs = liteRtSearchPath();
  const found = dirs.find((d) => fs.existsSync(path.join(d, LITERT_GLUE_FILE)) && fs.existsSync(path.join(d, LITERT_WASM_FILE)));
  if (!found) {
    throw new RuntimeError(
      'runtime-unavailable',
      `LiteRT runtime files (${LITERT_GLUE_FILE}, ${LITERT_WASM_FILE}) not found in ${dirs.join(', ')}. ` +
        'Reinstall the extension, or run `npm install` and `npm run build` in a development checkout.',
    );
  }
  return found;
}

/**
 * LiteRT's compiled wasm module, compiled on first use. A worker thread of this process given it
 * (setLiteRtWasmModule) shares V8's compiled code, its optimized tiers included, instead of compiling 9 MB again.
 */
export function liteRtWasmModule(): Promise<WasmModule> {
  if (!compiled) {
    const p = Promise.resolve().then(() => requireWasm().compile(fs.readFileSync(path.join(findLiteRtDirectory(), LITERT_WASM_FILE))));
    // A failed compile is not remembered: the next start tries again (and reports its own error).
    p.catch(() => { if (compiled === p) compiled = undefined; });
    compiled = p;
  }
  return compiled;
}

/** Use a module compiled by another thread of this process (liteRtWasmModule there); before the first start. */
export function setLiteRtWasmModule(module: WasmModule): void {
  compiled = Promise.resolve(module);
}

async function start(): Promise<LiteRtInstance> {
  const t0 = performance.now();
  const dir = findLiteRtDirectory();
  const module = await liteRtWasmModule();
  const gluePath = path.join(dir, LITERT_GLUE_FILE);
  const mod: { exports: unknown } = { exports: {} };
  const glue = vm.compileFunction(fs.readFileSync(gluePath, 'utf8'), ['module', 'exports', 'require', '__dirname', '__filename'], {
    filename: gluePath,
  });
  glue(mod, mod.exports, require, dir, gluePath);
  const factory = mod.exports as ModuleFactory;
  if (typeof factory !== 'function') {
    throw new RuntimeError('runtime-unavailable', `${gluePath} did not export a module factory; the LiteRT files are damaged, reinstall.`);
  }
  const holder: { inst?: LiteRtInstance } = {};
  let instantiationFailed!: (e: unknown) => void;
  const failed = new Promise<never>((_, reject) => { instantiationFailed = reject; });
  const wasm = await Promise.race([failed, factory({
    print: onLogLine,
    printErr: onLogLine,
    locateFile: (file) => path.join(dir, file),
    instantiateWasm: (imports, done) => {
      requireWasm().instantiate(module, imports).then((inst) => done(inst, module), instantiationFailed);
      return {};
    },
    onAbort: () => {
      if (holder.inst) holder.inst.alive = false;
      if (instance === holder.inst) instance = undefined;
    },
  })]);
  wasm.setupLogging();
  const env = wasm.LiteRtEnvironment.create(null);
  takeLogLines(); // start-up only logs accelerator registration
  holder.inst = { wasm, env, alive: true, dir, startMs: performance.now() - t0 };
  return holder.inst;
}

/** The running LiteRT instance, started on first call (about 100 ms). Restarted if the previous one crashed. */
export async function liteRt(): Promise<LiteRtInstance> {
  if (instance?.alive) return instance;
  if (!starting) {
    const exitCode = process.exitCode;
    starting = start()
      .then((inst) => {
        instance = inst;
        return inst;
      })
      .catch((e: unknown) => {
        // Emscripten's failure path sets process.exitCode; a failed start must not fail the host process.
        process.exitCode = exitCode;
        if (e instanceof RuntimeError) throw e;
        throw new RuntimeError('runtime-unavailable', `LiteRT failed to start: ${e instanceof Error ? e.message : String(e)}`);
      })
      .finally(() => {
        starting = undefined;
      });
  }
  return starting;
}

/** The instance if started and alive, without starting one. */
export function currentLiteRt(): LiteRtInstance | undefined {
  return instance?.alive ? instance : undefined;
}
