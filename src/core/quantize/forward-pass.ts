/**
 * What a forward pass (calibrate.ts observeAll) asks of a helper that runs part of it on another thread
 * (forward-helper.ts). Type-only, so that the report types that name it stay free of Node modules.
 */
import type { RuntimeTypedArray } from '../runtime/element-types';

/** What runs the batches: LiteRT (each batch one call), or the TFLite Micro reference evaluator (each batch one inference). */
export type PassRunner = 'litert' | 'tflm';

/**
 * Which batches the helper claims first. 'front': the next free one from the first on, so that its answers arrive in
 * the order the caller visits them while the caller visits (or runs a free batch ahead); 'back': from the last one
 * back, for passes whose visits cost nothing, so that the caller only waits where the two meet.
 */
export type ClaimOrder = 'front' | 'back';

/** A pass in progress: claim() a batch for the caller, or take() the helper's outputs of one. */
export interface SharedPass {
  /** True when the caller got batch `k` (runs it itself); false when the helper has it. */
  claim(k: number): boolean;
  /** The helper's outputs of batch `k` (claimed by it), or undefined when the helper failed: the caller runs it. */
  take(k: number): Promise<{ outputs: RuntimeTypedArray[]; ms: number } | undefined>;
  /** Whether the helper has answered batch `k` (take() would not wait). */
  answered(k: number): boolean;
  /** Claims every batch not yet taken, so the helper stops; call when the pass ends, normally or not. */
  end(): void;
}

export interface ForwardPasses {
  /**
   * Offers the batches of one pass: `model` is the serialized model the caller runs, `batches` each batch's inputs
   * (copied). Undefined when the helper cannot take part.
   */
  share(model: Uint8Array, name: string, batches: RuntimeTypedArray[][], runner?: PassRunner, order?: ClaimOrder): SharedPass | undefined;
}
