/**
 * The whole view model of the model inspector, built once per file: the summary (Overview), and per subgraph the
 * operator and tensor tables, the graph and the activation timeline. It holds no weight bytes (see
 * weight-stats.ts for the values of one tensor, fetched on request) and only plain JSON values, so it crosses
 * to the webview as one message.
 */
import type { Model, ModelWarning } from '../tflite';
import { estimateArena } from '../arena';
import type { ArenaEstimate, ArenaOptions } from '../arena';
import { buildGraph, type GraphModel } from './graph';
import { activationTimeline, type ActivationTimeline } from './activation-timeline';
import { operatorRows, tensorRows, type OperatorRow, type TensorRow } from './tables';
import { summarizeModel, type ModelSummary } from '../analysis/summary';
import { checkTflmCompatibility, type TflmProblem } from '../analysis/tflm-compat';

export interface SubgraphView {
  index: number;
  name?: string;
  inputs: number[];
  outputs: number[];
  operators: OperatorRow[];
  tensors: TensorRow[];
  graph: GraphModel;
  activations: ActivationTimeline;
}

export interface InspectorView {
  summary: ModelSummary;
  subgraphs: SubgraphView[];
}

export function buildInspectorView(model: Model, opts: { fileBytes?: number; warnings?: ModelWarning[] } = {}): InspectorView {
  const subgraphs = model.subgraphs.map((g, index): SubgraphView => {
    const operators = operatorRows(model, g);
    const tensors = tensorRows(model, g);
    const view: SubgraphView = {
      index, inputs: [...g.inputs], outputs: [...g.outputs], operators, tensors,
      graph: buildGraph(operators, tensors, g.inputs, g.outputs),
      activations: activationTimeline(operators, tensors, g.outputs),
    };
    if (g.name !== undefined) view.name = g.name;
    return view;
  });
  return { summary: summarizeModel(model, opts), subgraphs };
}

/**
 * What the Overview and Memory views add once the page is up: the TFLite Micro arena estimate (with its buffer plan)
 * and the compatibility problems. Computed after the first paint because the arena search is the slowest step.
 */
export interface InspectorDetails {
  arena: { ok: true; estimate: ArenaEstimate } | { ok: false; message: string };
  tflm: TflmProblem[];
}

/**
 * The arena part of the details, for the build the `tinyml.arena.*` settings describe (as the hover's); the extension
 * host runs it and checkTflmCompatibility (for the same kernel library) as separate steps.
 */
export function arenaForView(model: Model, options: ArenaOptions = {}): InspectorDetails['arena'] {
  try {
    return { ok: true, estimate: estimateArena(model, options) };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

export { checkTflmCompatibility };
