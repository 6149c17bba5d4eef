/**
 * Large branching models for the Graph view (unit tests of the layout, the integration test of first paint, the
 * bench): blocks of two branches (RELU, LOGISTIC) joined by ADD, with every tenth block adding a skip connection
 * from five blocks back, and name scopes `stage<s>/block<b>/<op>` for scope collapse.
 */
import { BuiltinOperator, ModelBuilder, type Model } from '../../src/core/tflite';
import type { TensorRef } from '../../src/core/tflite/model-builder';

/** A model of at least `operators` operators (a multiple of 3, plus one for a skip every tenth block). */
export function branchingModel(operators: number, seed = 3): Model {
  const b = new ModelBuilder({ description: `branching graph, ${operators} operators`, seed });
  let x: TensorRef = b.input('input', [1, 16]);
  const history: TensorRef[] = [];
  let ops = 0;
  for (let block = 0; ops < operators; block++) {
    const scope = `stage${Math.floor(block / 50)}/block${block}`;
    const left = b.op(BuiltinOperator.RELU, [x], [x.shape], undefined, `${scope}/relu`)[0]!;
    const right = b.op(BuiltinOperator.LOGISTIC, [x], [x.shape], undefined, `${scope}/sigmoid`)[0]!;
    let y = b.op(BuiltinOperator.ADD, [left, right], [x.shape], { type: 'AddOptions', table: { fused_activation_function: 'NONE' } }, `${scope}/add`)[0]!;
    ops += 3;
    if (block % 10 === 9 && history.length >= 5) {
      y = b.op(BuiltinOperator.ADD, [y, history[history.length - 5]!], [x.shape], { type: 'AddOptions', table: { fused_activation_function: 'RELU' } }, `${scope}/skip`)[0]!;
      ops++;
    }
    history.push(y);
    x = y;
  }
  b.output(x);
  return b.build();
}
