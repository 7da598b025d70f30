/**
 * A cursor over one DWARF section: little-endian fixed-size integers, LEB128 and C strings.
 * Offsets and addresses are JS numbers: exact up to 2^53, enough for any section or address of
 * a real binary (a wider value is reported, never silently rounded).
 */
export class ByteReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    pos = 0,
  ) {
    this.pos = pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.buf.length;
  }

  u8(): number {
    if (this.pos >= this.buf.length) throw new RangeError(`read past the end of a ${this.buf.length}-byte section`);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  u64(): number {
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    return hi * 0x1_0000_0000 + lo;
  }

  /** An unsigned value of `size` bytes (1, 2, 4 or 8). */
  uN(size: number): number {
    switch (size) {
      case 1:
        return this.u8();
      case 2:
        return this.u16();
      case 4:
        return this.u32();
      case 8:
        return this.u64();
      default:
        throw new RangeError(`unsupported ${size}-byte value`);
    }
  }

  uleb(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const byte = this.u8();
      result += (byte & 0x7f) * mul;
      if ((byte & 0x80) === 0) return result;
      mul *= 128;
    }
  }

  sleb(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const byte = this.u8();
      result += (byte & 0x7f) * mul;
      mul *= 128;
      if ((byte & 0x80) === 0) return byte & 0x40 ? result - mul : result;
    }
  }

  /** Skip a LEB128 value without decoding it. */
  skipLeb(): void {
    const buf = this.buf;
    while (this.pos < buf.length && (buf[this.pos++]! & 0x80) !== 0);
  }

  /** A NUL-terminated string (UTF-8). */
  cstr(): string {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw new RangeError('unterminated string');
    const s = this.buf.toString('utf8', this.pos, end);
    this.pos = end + 1;
    return s;
  }

  skipCstr(): void {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw new RangeError('unterminated string');
    this.pos = end + 1;
  }
}

/** The NUL-terminated string at `offset` of a string section (`.debug_str`, `.debug_line_str`). */
export function stringAt(section: Buffer | undefined, offset: number, sectionName: string): string {
  if (!section || offset >= section.length) throw new RangeError(`string offset 0x${offset.toString(16)} is outside ${sectionName}`);
  const end = section.indexOf(0, offset);
  return section.toString('utf8', offset, end < 0 ? section.length : end);
}
