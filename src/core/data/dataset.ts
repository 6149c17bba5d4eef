import type { ImageOptions } from './options';
/**
 * A calibration or evaluation dataset, as the quantizer consumes it: every sample holds one float32 array per model
 * input, in the model's input order, each with exactly the element count of that input's static shape (row-major,
 * NHWC for images). Loaders in this folder produce it from workspace files; the quantizer never reads files itself.
 */
export interface Dataset {
  /** Where the data came from, for reports and error messages (a workspace-relative path or "synthetic: ..."). */
  source: string;
  /** samples[i][k] = sample i, model input k. */
  samples: Float32Array[][];
  /** Shapes the samples were checked against, one per model input. */
  inputShapes: number[][];
  /** Set on the parts of a held-out split: the dataset the user gave (its source and sample count) and the split. */
  split?: DatasetSplit;
  /** The image options its image files were read with, when not the defaults: a later reader reads them the same way. */
  image?: ImageOptions;
}

export interface DatasetSplit {
  source: string;
  /** Samples the user gave: calibration + heldOut. */
  given: number;
  calibration: number;
  heldOut: number;
}

/** "108 samples: 86 for calibration, 22 held out" (the words of the CLI, the notification and the report). */
export function describeSplit(s: DatasetSplit): string {
  return `${s.given} samples: ${s.calibration} for calibration, ${s.heldOut} held out`;
}

/** What a loader needs to know about the model's inputs to shape, resize and check the data. */
export interface InputSpec {
  name: string;
  /** Static shape, batch included (batch 1 for the calibration samples). */
  shape: number[];
  /** Tensor type name of the float model's input ('FLOAT32' normally). */
  type: string;
}
