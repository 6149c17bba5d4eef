/**
 * Everything a hover or a diagnostic says about one C/C++ file: which model it runs (located), that model's arena
 * estimate for the configured build, its TFLite Micro problems, and whether the .tflite changed since the export.
 */
import type { ArenaOptions } from '../arena';
import { ArenaModelCache, type EstimateResult, type LoadedModel } from './model-cache';
import { locateModel, type LocateRequest, type ModelLocation, type SourceFiles } from './locate-model';
import type { TflmProblem } from '../analysis/tflm-compat';

export interface ArenaAnalysisRequest extends LocateRequest {
  options: Required<ArenaOptions>;
  /** Editor version of `text`, so a C array in it is parsed once per edit. */
  version?: number;
}

export interface ArenaAnalysis {
  location: ModelLocation;
  loaded?: LoadedModel;
  estimate?: EstimateResult;
  problems: TflmProblem[];
  /** The .tflite no longer has the SHA-256 written in the exported C file's comment. */
  staleExport?: { markerFile: string; tflite: string; exportedSha256: string; currentSha256: string };
  options: Required<ArenaOptions>;
}

async function load(loc: ModelLocation, req: ArenaAnalysisRequest, cache: ArenaModelCache): Promise<LoadedModel | undefined> {
  switch (loc.kind) {
    case 'marker':
    case 'setting':
    case 'workspace':
      return cache.tflite(loc.tflite);
    case 'c-array':
      return cache.cArray(loc.file || 'untitled', loc.symbol, loc.inText ? { text: req.text, version: req.version ?? 0 } : undefined);
    case 'none':
      return undefined;
  }
}

export async function analyzeArena(req: ArenaAnalysisRequest, files: SourceFiles, cache: ArenaModelCache): Promise<ArenaAnalysis> {
  const location = await locateModel(req, files);
  const loaded = await load(location, req, cache);
  const analysis: ArenaAnalysis = { location, problems: [], options: req.options };
  if (!loaded) return analysis;
  analysis.loaded = loaded;
  analysis.estimate = await cache.estimate(loaded, req.options);
  analysis.problems = cache.problems(loaded, req.options.kernels);
  if (location.kind === 'marker' && loaded.sha256 && loaded.sha256 !== location.marker.sha256) {
    analysis.staleExport = {
      markerFile: location.markerFile,
      tflite: location.tflite,
      exportedSha256: location.marker.sha256,
      currentSha256: loaded.sha256,
    };
  }
  return analysis;
}
