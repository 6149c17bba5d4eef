/** Float arrays end to end, in order: a tensor's values over several samples, or rows stacked row-major (.npy files, tensors). */
export function concatFloats(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
