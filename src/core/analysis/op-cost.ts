import { BuiltinOperator, elementCount, type Model, type Operator, type SubGraph } from '../tflite';

/**
 * Multiply-accumulates of one operator, from static shapes. Convolutions, fully-connected, matmul and recurrent ops
 * count their MACs; pooling counts one per window element; elementwise arithmetic one per output element. Data
 * movement (reshape, concat, pad...) costs 0 here.
 */
export function operatorMacs(model: Model, g: SubGraph, op: Operator): number {
  const code = model.operatorCodes[op.opcodeIndex]?.builtinCode;
  const shape = (k: number, outputs = false): readonly number[] => {
    const t = (outputs ? op.outputs : op.inputs)[k];
    return t !== undefined && t >= 0 ? g.tensors[t]?.shape ?? [] : [];
  };
  const out = shape(0, true);
  const outElems = out.length ? elementCount(out) : 0;
  switch (code) {
    case BuiltinOperator.CONV_2D: {
      const f = shape(1); // [outC, kh, kw, inC]
      return outElems * (f[1] ?? 1) * (f[2] ?? 1) * (f[3] ?? 1);
    }
    case BuiltinOperator.CONV_3D: {
      const f = shape(1); // [kd, kh, kw, inC, outC]
      return outElems * (f[0] ?? 1) * (f[1] ?? 1) * (f[2] ?? 1) * (f[3] ?? 1);
    }
    case BuiltinOperator.DEPTHWISE_CONV_2D: {
      const f = shape(1); // [1, kh, kw, C * multiplier]
      return outElems * (f[1] ?? 1) * (f[2] ?? 1);
    }
    case BuiltinOperator.TRANSPOSE_CONV: {
      const f = shape(1); // [outC, kh, kw, inC]; input 2 is the data
      const x = shape(2);
      return (x.length ? elementCount(x) : 0) * (f[0] ?? 1) * (f[1] ?? 1) * (f[2] ?? 1);
    }
    case BuiltinOperator.FULLY_CONNECTED: {
      const w = shape(1); // [units, in]
      const x = shape(0);
      const inFeatures = w[1] ?? 0;
      const batch = inFeatures ? elementCount(x) / inFeatures : 0;
      return batch * (w[0] ?? 0) * inFeatures;
    }
    case BuiltinOperator.BATCH_MATMUL: {
      const a = shape(0);
      const k = a[a.length - 1] ?? 0;
      return outElems * k;
    }
    case BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM:
    case BuiltinOperator.LSTM: {
      const x = shape(0); // [batch, time, in] (or time-major)
      const wi = shape(1); // input-to-input weights [units, in] (may be absent: CIFG)
      const rw = shape(5); // recurrent-to-input [units, units]
      const units = (wi[0] ?? shape(2)[0]) ?? 0;
      const inFeatures = x[x.length - 1] ?? 0;
      const steps = x.length ? elementCount(x) / (inFeatures || 1) : 0;
      const gates = op.inputs[1] === -1 ? 3 : 4;
      return steps * gates * units * (inFeatures + (rw[1] ?? units));
    }
    case BuiltinOperator.SVDF: {
      const wf = shape(1); // weights_feature [units * rank, in]
      const wt = shape(2); // weights_time [units * rank, memory]
      const x = shape(0);
      const batch = x[0] ?? 1;
      return batch * ((wf[0] ?? 0) * (wf[1] ?? 0) + (wt[0] ?? 0) * (wt[1] ?? 0));
    }
    case BuiltinOperator.AVERAGE_POOL_2D:
    case BuiltinOperator.MAX_POOL_2D:
    case BuiltinOperator.L2_POOL_2D: {
      const t = op.builtinOptions?.table;
      const fw = typeof t?.['filter_width'] === 'number' ? t['filter_width'] : 1;
      const fh = typeof t?.['filter_height'] === 'number' ? t['filter_height'] : 1;
      return outElems * fw * fh;
    }
    case BuiltinOperator.MEAN:
    case BuiltinOperator.SUM: {
      const x = shape(0);
      return x.length ? elementCount(x) : 0;
    }
    case BuiltinOperator.ADD:
    case BuiltinOperator.SUB:
    case BuiltinOperator.MUL:
    case BuiltinOperator.DIV:
    case BuiltinOperator.SQUARED_DIFFERENCE:
    case BuiltinOperator.MAXIMUM:
    case BuiltinOperator.MINIMUM:
      return outElems;
    default:
      return 0;
  }
}
