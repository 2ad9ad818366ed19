/**
 * Bits of H.264: reading and writing unsigned and exponential-Golomb fields, and the NAL unit's emulation
 * prevention (a 0x03 after two zero bytes, so the payload never looks like a start code).
 * @module
 */

/** Reads the fields of an RBSP, most significant bit first. */
export class BitReader {
  readonly #bytes: Uint8Array;
  #bit = 0;

  /** @param bytes An RBSP (emulation prevention already removed). */
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** Reads `count` bits as an unsigned number (count ≤ 32). */
  u(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) {
      const byte = this.#bytes[this.#bit >> 3];
      if (byte === undefined) throw new RangeError("Read past the end of an H.264 RBSP");
      value = value * 2 + ((byte >> (7 - (this.#bit & 7))) & 1);
      this.#bit++;
    }
    return value;
  }

  /** Reads an unsigned exponential-Golomb number. */
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) zeros++;
    return 2 ** zeros - 1 + this.u(zeros);
  }

  /** Reads a signed exponential-Golomb number. */
  se(): number {
    const code = this.ue();
    return code % 2 === 1 ? (code + 1) / 2 : -(code / 2);
  }
}

/** Writes the fields of an RBSP, most significant bit first. */
export class BitWriter {
  readonly #bytes: number[] = [];
  #bit = 0;

  /** Writes `value` in `count` bits. */
  u(count: number, value: number): void {
    for (let i = count - 1; i >= 0; i--) {
      if ((this.#bit & 7) === 0) this.#bytes.push(0);
      if (Math.floor(value / 2 ** i) % 2 === 1) {
        this.#bytes[this.#bytes.length - 1]! |= 1 << (7 - (this.#bit & 7));
      }
      this.#bit++;
    }
  }

  /** Writes an unsigned exponential-Golomb number. */
  ue(value: number): void {
    const code = value + 1;
    const length = Math.floor(Math.log2(code));
    this.u(length, 0);
    this.u(length + 1, code);
  }

  /** Writes a signed exponential-Golomb number. */
  se(value: number): void {
    this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  /** Ends the RBSP: a stop bit, then zeros to the byte boundary; returns its bytes. */
  finish(): Uint8Array {
    this.u(1, 1);
    while ((this.#bit & 7) !== 0) this.u(1, 0);
    return Uint8Array.from(this.#bytes);
  }
}

/** The RBSP of a NAL unit's payload: every emulation-prevention 0x03 after two zero bytes removed. */
export function unescapeRbsp(payload: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < payload.length; i++) {
    if (i >= 2 && payload[i] === 3 && payload[i - 1] === 0 && payload[i - 2] === 0 && out.at(-1) === 0) {
      continue;
    }
    out.push(payload[i]!);
  }
  return Uint8Array.from(out);
}

/** A NAL unit's payload from an RBSP: a 0x03 inserted wherever two zero bytes precede a byte of at most 3. */
export function escapeRbsp(rbsp: Uint8Array): Uint8Array {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}
