/** Messages between the extension host and the export worker. */

export type WorkerReply =
  | { ok: true; result: unknown }
  | { ok: false; error: { name: string; message: string; paths?: string[] } };

/** Buffers at least this big are moved to the other thread rather than copied. */
const TRANSFER_MIN_BYTES = 1 << 20;

/**
 * The ArrayBuffers in `value` worth moving: big ones that belong to exactly one view (a pooled Buffer shares its
 * ArrayBuffer with others, and moving it would detach them).
 */
export function transferablesOf(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const visit = (v: unknown, depth: number): void => {
    if (depth > 6 || v === null || typeof v !== 'object') return;
    if (ArrayBuffer.isView(v)) {
      const buf = v.buffer;
      if (buf instanceof ArrayBuffer && v.byteLength >= TRANSFER_MIN_BYTES && v.byteOffset === 0 && v.byteLength === buf.byteLength) found.add(buf);
      return;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) visit(child, depth + 1);
  };
  visit(value, 0);
  return [...found];
}

/** An error raised in the worker, with the name of its class there (ExportConflictError, ModelFileError, ...). */
export class ExportJobError extends Error {
  constructor(readonly errorName: string, message: string, readonly paths?: string[]) {
    super(message);
    this.name = errorName;
  }
}

/** The user cancelled; the worker was stopped. */
export class ExportJobCancelled extends Error {
  override readonly name = 'ExportJobCancelled';
  constructor() {
    super('cancelled');
  }
}
