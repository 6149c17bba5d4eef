import * as flatbuffers from 'flatbuffers';
import { ModelFormatError } from './errors';

/**
 * A flatbuffers ByteBuffer whose every read is bounds-checked. The stock one reads `undefined` past the end (which
 * turns into 0 or NaN silently) and trusts vector lengths, so a corrupt file could decode to nonsense or loop for
 * billions of elements. Here each out-of-range access throws a ModelFormatError instead.
 */
export class CheckedByteBuffer extends flatbuffers.ByteBuffer {
  private readonly size: number;

  constructor(bytes: Uint8Array) {
    super(bytes);
    this.size = bytes.length;
  }

  check(offset: number, width: number): void {
    if (!(offset >= 0 && offset + width <= this.size) || !Number.isInteger(offset)) {
      throw new ModelFormatError(`corrupt flatbuffer: read of ${width} bytes at offset ${offset} is outside the ${this.size}-byte file`);
    }
  }

  override readUint8(offset: number): number {
    this.check(offset, 1);
    return super.readUint8(offset);
  }

  override readUint16(offset: number): number {
    this.check(offset, 2);
    return super.readUint16(offset);
  }

  override readInt32(offset: number): number {
    this.check(offset, 4);
    return super.readInt32(offset);
  }

  override __string(offset: number, encoding?: flatbuffers.Encoding): string | Uint8Array {
    const start = offset + this.readInt32(offset);
    const length = this.readInt32(start);
    if (length < 0) throw new ModelFormatError(`corrupt flatbuffer: string at offset ${start} has negative length ${length}`);
    this.check(start + 4, length);
    return super.__string(offset, encoding);
  }

  override __vector_len(offset: number): number {
    const start = offset + this.readInt32(offset);
    const length = this.readInt32(start);
    // every element is at least one byte, so a vector can never be longer than what is left of the file
    if (length < 0 || start + 4 + length > this.size) {
      throw new ModelFormatError(`corrupt flatbuffer: vector at offset ${start} claims ${length} elements, past the end of the file`);
    }
    return length;
  }

  /** Start and length of a vector of `elemSize`-byte elements whose offset is stored at `fieldOffset`. */
  vectorSpan(fieldOffset: number, elemSize: number): { start: number; length: number } {
    const length = this.__vector_len(fieldOffset);
    const start = this.__vector(fieldOffset);
    this.check(start, length * elemSize);
    return { start, length };
  }
}
