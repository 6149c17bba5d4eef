/**
 * Turns LiteRT's ERROR log lines (and the message of a thrown embind error) into a RuntimeError whose first sentence
 * says what is wrong in the user's terms and what to do. LiteRT repeats itself (one line per tensor or node), so the
 * lines are deduplicated and only the first few are quoted.
 */
import { RuntimeError, type RuntimeErrorKind } from './errors';

const QUOTED_LINES = 4;

/** "ERROR: [model_load.cc:290] Variable tensors ..." -> "Variable tensors ..." */
function stripPrefix(line: string): string {
  return line.replace(/^[└\s]*/, '').replace(/^ERROR:\s*/, '').replace(/^\[[^\]]*\]\s*/, '').trim();
}

export function distinctErrorLines(lines: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const line of lines) {
    const text = stripPrefix(line);
    if (text) seen.add(text);
  }
  return [...seen];
}

interface Diagnosis {
  kind: RuntimeErrorKind;
  explanation: string;
}

function diagnose(stage: 'load' | 'run', text: string): Diagnosis {
  if (/Variable tensors not yet supported/i.test(text)) {
    return {
      kind: 'variable-tensors',
      explanation:
        'the model keeps state in variable tensors (LSTM, SVDF or another stateful layer), which LiteRT.js cannot run. ' +
        'TFLite Micro can: analysis and code generation still work, only running it here does not',
    };
  }
  const custom = /unresolved custom op:\s*([^\s.]+)/i.exec(text);
  if (custom) {
    return {
      kind: 'unsupported-op',
      explanation:
        `it uses the custom operator "${custom[1]}", which LiteRT.js does not implement. It runs only where that ` +
        'operator is registered (e.g. a TFLite Micro build with the matching op resolver or NPU driver)',
    };
  }
  const quantDim = /quantized_dimension must be in range \[0, (\d+)\)\. Was (\d+)/.exec(text);
  if (quantDim) {
    const tensors = [...text.matchAll(/Tensor (\d+) has invalid quantization/g)].map((m) => m[1]);
    const which = tensors.length === 0 ? 'a tensor has' : tensors.length === 1 ? `tensor ${tensors[0]} has` : `${tensors.length} tensors (${tensors.join(', ')}) have`;
    return {
      kind: 'invalid-quantization',
      explanation:
        `${which} quantized_dimension=${quantDim[2]} but only ${quantDim[1]} dimension(s). Full TFLite rejects this; ` +
        'TFLite Micro accepts it. Re-convert the model, or set quantized_dimension to 0 on those 1-D (bias) tensors',
    };
  }
  if (/BytesRequired number of elements overflowed|dimension.*negative|Dimensions mismatch/i.test(text)) {
    return {
      kind: 'run-failed',
      explanation: 'an operator computed an invalid shape. If an input holds a shape (an int32 vector), check its values',
    };
  }
  // "Node number 10 (CONV_2D) failed to prepare": an operator's Prepare rejected what it was given (an input missing,
  // a shape, type or option out of range). The node is LiteRT's, in the graph it ran (the file's operator order
  // unless the caller rewrote the model); delegate nodes (XNNPACK) have lower-case names and are left generic.
  const prepare = /Node number (\d+) \(([A-Z0-9_]+)\) failed to prepare/.exec(text);
  if (prepare) {
    return {
      kind: stage === 'load' ? 'load-failed' : 'run-failed',
      explanation: `LiteRT's node ${prepare[1]} (${prepare[2]}) rejects its inputs or options: most often a damaged or hand-edited file `
        + '(convert or export the model again), else something this LiteRT build does not support',
    };
  }
  if (/Failed to load model/i.test(text)) {
    return { kind: 'load-failed', explanation: 'LiteRT could not parse it as a TFLite model (damaged file or unsupported schema)' };
  }
  return stage === 'load'
    ? { kind: 'load-failed', explanation: 'LiteRT could not load or compile it' }
    : { kind: 'run-failed', explanation: 'an operator failed while running it' };
}

/**
 * @param what  the subject, e.g. "person_detect.tflite" or "the model"
 * @param thrown  message of the exception LiteRT threw, if any
 */
export function liteRtFailure(stage: 'load' | 'run', what: string, lines: readonly string[], thrown?: string): RuntimeError {
  const details = distinctErrorLines(thrown ? [...lines, ...thrown.split('\n')] : lines);
  const diagnosis = diagnose(stage, details.join('\n'));
  const quoted = details.slice(0, QUOTED_LINES).join('; ');
  const more = details.length > QUOTED_LINES ? ` (+${details.length - QUOTED_LINES} more)` : '';
  const verb = stage === 'load' ? 'cannot be loaded by' : 'failed to run on';
  const message = `${what} ${verb} the TFLite runtime (LiteRT): ${diagnosis.explanation}.` + (quoted ? ` LiteRT said: ${quoted}${more}` : '');
  return new RuntimeError(diagnosis.kind, message, details);
}
