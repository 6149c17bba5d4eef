/**
 * The 256-entry table TFLite Micro's int16 LOGISTIC and TANH interpolate (`sigmoid_table_uint16`, common.h:
 * "sigmoid(i/24) at 0.16 format"; tanh(x) = 2·sigmoid(2x) − 1 reads the same table).
 *
 * The table is not round(65536·sigmoid(i/24)): 44 of its entries are one above that. Each node sits half of the
 * largest error of a chord through its neighbours above the curve (the curve is concave for x > 0, so a linear
 * interpolation between exact nodes always falls below it; lifting every node by f''·h²/16, h = 1 step, centres the
 * error). That rule reproduces entries 0…254 exactly (the nearest one is 0.004 from a rounding boundary); the last
 * node is the saturation value 65535, where the kernels saturate from index 255 on.
 */
const STEPS_PER_UNIT = 24;

function node(i: number): number {
  const s = 1 / (1 + Math.exp(-i / STEPS_PER_UNIT));
  // d²/di² of 65536·sigmoid(i/24)
  const curvature = (65536 * s * (1 - s) * (1 - 2 * s)) / (STEPS_PER_UNIT * STEPS_PER_UNIT);
  return Math.round(65536 * s - curvature / 16);
}

let table: Uint16Array | undefined;

/** sigmoid_table_uint16: entry i for sigmoid(i/24), 0.16 fixed point. */
export function sigmoidTableUint16(): Uint16Array {
  if (!table) {
    table = new Uint16Array(256);
    for (let i = 0; i < 255; i++) table[i] = Math.min(65535, node(i));
    table[255] = 65535;
  }
  return table;
}
