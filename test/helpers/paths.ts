import fs from 'node:fs';
import path from 'node:path';

/** The project root, from out/test/helpers (compiled) or test/helpers (source). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', fs.existsSync(path.resolve(__dirname, '..', '..', 'package.json')) ? '' : '..');

/** The shared test corpus beside the project (`../shared`); absent in a user's fresh clone. */
export const SHARED_DIR = process.env['TINYML_SHARED'] ?? path.resolve(PROJECT_ROOT, '..', 'shared');
export const SHARED_MODELS = path.join(SHARED_DIR, 'models');
export const HAS_SHARED = fs.existsSync(SHARED_MODELS);
/** Pass as node:test's `skip` option: false when the corpus is there, else the reason. */
export const SKIP_WITHOUT_SHARED: string | false = HAS_SHARED ? false : '../shared/models is not present (fresh clone): corpus test skipped';

export function sharedModel(relative: string): string {
  return path.join(SHARED_MODELS, relative);
}

/** Every .tflite under ../shared/models, as paths relative to it, sorted. */
export function listSharedModels(): string[] {
  if (!HAS_SHARED) return [];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.tflite')) out.push(path.relative(SHARED_MODELS, p));
    }
  };
  walk(SHARED_MODELS);
  return out.sort();
}

/** The 27.7 MB MediaPipe pose model shipped by the @mediapipe/pose devDependency. */
export const POSE_HEAVY = path.join(PROJECT_ROOT, 'node_modules', '@mediapipe', 'pose', 'pose_landmark_heavy.tflite');
