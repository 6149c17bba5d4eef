/**
 * Preloaded (`node -r`) into the speed bench's command runs when TINYML_BENCH_LOADAVG is set: os.loadavg() reads that
 * value, so that the forward helper's start decision (forward-helper.ts worthHelping) is the same in every run of a
 * shared machine. Bench-only: nothing in src/ loads it.
 */
import os from 'node:os';

const pinned = Number(process.env['TINYML_BENCH_LOADAVG']);
if (Number.isFinite(pinned)) os.loadavg = () => [pinned, pinned, pinned];
