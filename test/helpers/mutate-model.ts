/** Corrupted copies of a model file for the fuzz tests: the damage real files get (cut short, bits flipped, an offset overwritten, bytes moved). */
export type Mutation = 'truncate' | 'bitflip' | 'offset' | 'splice';

/** One corrupted copy: cut short, a few bits flipped, a 32-bit word (often an offset) overwritten, or bytes moved. */
export function mutate(src: Uint8Array, kind: Mutation, rnd: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(rnd() * n);
  switch (kind) {
    case 'truncate':
      return src.slice(0, pick(src.length));
    case 'bitflip': {
      const out = src.slice();
      for (let i = 0, n = 1 + pick(8); i < n; i++) { const p = pick(out.length); out[p]! ^= 1 << pick(8); }
      return out;
    }
    case 'offset': {
      const out = src.slice();
      const view = new DataView(out.buffer);
      // flatbuffer offsets are 4-byte aligned; the table area (not the weights) sits mostly near the front or back
      const region = rnd() < 0.5 ? Math.min(out.length, 4096) : out.length;
      const pos = Math.max(0, Math.min(out.length - 4, (pick(region) & ~3)));
      const values = [0, 1, 4, 0x7fffffff, 0xffffffff, 0x80000000, out.length, out.length - 4, -8 >>> 0, pick(0x100000000)];
      view.setUint32(pos, values[pick(values.length)]!, true);
      return out;
    }
    case 'splice': {
      const a = pick(src.length);
      const b = Math.min(src.length, a + 1 + pick(64));
      // either drop bytes a..b, or repeat them
      return rnd() < 0.5 ? Buffer.concat([src.subarray(0, a), src.subarray(b)]) : Buffer.concat([src.subarray(0, b), src.subarray(a)]);
    }
  }
}

