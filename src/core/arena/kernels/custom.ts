/**
 * Custom operators TFLite Micro ships kernels for: the audio front-end "Signal" ops (signal/micro/kernels) and the
 * Ethos-U NPU op. Their allocations depend on their flexbuffer options (e.g. num_channels, fft_length).
 */
import { TensorType } from '../../tflite/model';
import { opDataBytes, type KernelQuery, type KernelRule } from './types';

const int = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0);

/** kiss_fftr_alloc's memory need for an fft of `fftLength` points with complex elements of `cpxBytes`. */
function kissFftrBytes(fftLength: number, cpxBytes: number, pointerBytes: number): number {
  const nfft = fftLength >> 1;
  // kiss_fft_state: int nfft, int inverse, int factors[64], kiss_fft_cpx twiddles[1]
  const stateAlign = Math.max(4, cpxBytes >= 8 ? 4 : 2);
  const stateBytes = Math.ceil((8 + 256 + cpxBytes) / stateAlign) * stateAlign;
  const subsize = stateBytes + cpxBytes * (nfft - 1);
  // kiss_fftr_state: substate, tmpbuf, super_twiddles pointers
  return 3 * pointerBytes + subsize + cpxBytes * Math.trunc((nfft * 3) / 2);
}

function rfftElementBytes(q: KernelQuery): number {
  switch (int(q.customOption('T'))) {
    case TensorType.FLOAT32: return 4;
    case TensorType.INT32: return 4;
    default: return 2;
  }
}

const CUSTOM_RULES: Readonly<Record<string, KernelRule>> = {
  SignalWindow: () => ({ init: [8], prepare: [], scratch: [] }),
  SignalFftAutoScale: () => ({ init: [], prepare: [], scratch: [] }),
  SignalEnergy: () => ({ init: [8], prepare: [], scratch: [] }),
  SignalFilterBankSquareRoot: () => ({ init: [], prepare: [], scratch: [] }),
  SignalFilterBankLog: () => ({ init: [8], prepare: [], scratch: [] }),
  SignalPCAN: () => ({ init: [4], prepare: [], scratch: [] }),
  SignalFilterBank: (q) => ({
    init: [opDataBytes({ lp64: 64, ilp32: 36 }, q.target), (int(q.customOption('num_channels')) + 1) * 8],
    prepare: [], scratch: [],
  }),
  SignalFilterBankSpectralSubtraction: (q) => ({
    init: [opDataBytes({ lp64: 56, ilp32: 44 }, q.target), int(q.customOption('num_channels')) * 4],
    prepare: [], scratch: [],
  }),
  SignalRfft: (q) => {
    const elem = rfftElementBytes(q);
    const fftLength = int(q.customOption('fft_length'));
    return {
      init: [opDataBytes({ lp64: 48, ilp32: 32 }, q.target), kissFftrBytes(fftLength, 2 * elem, q.target.abi.pointerBytes)],
      prepare: [],
      scratch: [fftLength * elem],
    };
  },
  'ethos-u': (q) => {
    // Init: OpData {int cms_data_size; int base_addr_idx; int base_addr_size_idx}.
    // Prepare: arrays of uint64_t base addresses and size_t sizes, one per input and output.
    const n = q.op.inputs.length + q.op.outputs.length;
    return { init: [12], prepare: [], scratch: [n * 8, n * q.target.sizeT.size] };
  },
};

export function customRule(customCode: string | undefined): KernelRule | undefined {
  return customCode === undefined ? undefined : CUSTOM_RULES[customCode];
}

export const KNOWN_CUSTOM_OPS: readonly string[] = Object.keys(CUSTOM_RULES);
