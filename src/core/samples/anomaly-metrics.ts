/** Scoring for the anomaly sample: reconstruction error per window and ROC AUC of normal vs anomalous scores. */

/** Mean squared difference between each input window and its reconstruction. */
export function reconstructionErrors(inputs: readonly ArrayLike<number>[], outputs: readonly ArrayLike<number>[]): Float64Array {
  return Float64Array.from(inputs, (x, i) => {
    const y = outputs[i]!;
    let s = 0;
    for (let j = 0; j < x.length; j++) s += (x[j]! - y[j]!) ** 2;
    return s / x.length;
  });
}

/** Probability that a random anomalous score exceeds a random normal one (ties count half): the ROC AUC. */
export function rocAuc(normalScores: ArrayLike<number>, anomalousScores: ArrayLike<number>): number {
  let wins = 0;
  for (let i = 0; i < anomalousScores.length; i++) {
    for (let j = 0; j < normalScores.length; j++) {
      const a = anomalousScores[i]!, n = normalScores[j]!;
      wins += a > n ? 1 : a === n ? 0.5 : 0;
    }
  }
  return wins / (anomalousScores.length * normalScores.length);
}
