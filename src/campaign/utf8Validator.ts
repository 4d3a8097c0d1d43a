import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { ContactsFileError } from './contactsFileError.js';

/**
 * Passes a file's bytes through unchanged, and stops with a ContactsFileError naming
 * the line as soon as a byte is not UTF-8 (typically a Latin-1 / Windows-1252
 * export from a spreadsheet), instead of letting the parser turn "Åsa" into
 * "�sa". Validation is native (buffer.isUtf8); the exact position is only worked
 * out, in JS, once an error is known. Also enforces the file size limit while
 * reading, in case the file grows after it was checked.
 *
 * Lines are counted as editors count them: "\r\n", "\n" and a lone "\r" each end one.
 */
export class Utf8Validator extends Transform {
  /** Up to 3 bytes of a character split across chunks. */
  private pending: Buffer = Buffer.alloc(0);
  private lineBreaksBefore = 0;
  private previousEndedWithCR = false;
  private bytesSeen = 0;
  private first = true;

  constructor(
    private readonly file: string,
    private readonly maxBytes: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytesSeen += chunk.length;
    if (this.bytesSeen > this.maxBytes) {
      callback(fileTooLarge(this.file, this.maxBytes));
      return;
    }
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    if (this.first) {
      this.first = false;
      if (isUtf16Bom(data)) {
        callback(
          new ContactsFileError(this.file, [
            { line: 1, message: 'the file is UTF-16 (Excel "Unicode Text"); save it as "CSV UTF-8" instead' },
          ]),
        );
        return;
      }
    }
    const split = incompleteTailStart(data);
    this.pending = Buffer.from(data.subarray(split));
    data = data.subarray(0, split);
    if (!isUtf8(data)) {
      callback(this.invalidAt(data, firstInvalidByte(data)));
      return;
    }
    this.countLineBreaks(data);
    callback(null, data);
  }

  override _flush(callback: TransformCallback): void {
    if (this.pending.length > 0) callback(this.invalidAt(this.pending, 0));
    else callback();
  }

  private invalidAt(data: Buffer, offset: number): ContactsFileError {
    const before = data.subarray(0, offset);
    this.countLineBreaks(before);
    const line = this.lineBreaksBefore + 1;
    const byte = data[offset] ?? 0;
    return new ContactsFileError(this.file, [
      {
        line,
        message:
          `byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} is not valid UTF-8; the file looks like ` +
          'Latin-1/Windows-1252 (common for spreadsheet exports): save it as "CSV UTF-8"',
      },
    ]);
  }

  private countLineBreaks(data: Buffer): void {
    let breaks = 0;
    for (let at = data.indexOf(0x0a); at !== -1; at = data.indexOf(0x0a, at + 1)) breaks++;
    for (let at = data.indexOf(0x0d); at !== -1; at = data.indexOf(0x0d, at + 1)) {
      // A CR followed by LF was counted with the LF; a CR at the very end waits for the next chunk.
      if (at + 1 < data.length && data[at + 1] !== 0x0a) breaks++;
    }
    if (this.previousEndedWithCR && data.length > 0 && data[0] !== 0x0a) breaks++;
    if (data.length > 0) this.previousEndedWithCR = data[data.length - 1] === 0x0d;
    this.lineBreaksBefore += breaks;
  }
}

export function fileTooLarge(file: string, maxBytes: number): ContactsFileError {
  return new ContactsFileError(file, [
    { message: `the file is larger than the limit of ${maxBytes} bytes (limits.maxFileBytes)` },
  ]);
}

function isUtf16Bom(data: Buffer): boolean {
  return (
    data.length >= 2 && ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff))
  );
}

/** Where a trailing, not yet complete multi-byte character starts (data.length if none). */
function incompleteTailStart(data: Buffer): number {
  for (let back = 1; back <= 3 && back <= data.length; back++) {
    const byte = data[data.length - back];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? data.length - back : data.length;
  }
  return data.length;
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalidByte(data: Uint8Array): number {
  let index = 0;
  while (index < data.length) {
    const lead = data[index];
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead < 0x80) length = 1;
    else if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return index;
    for (let next = 1; next < length; next++) {
      const byte = data[index + next];
      const [min, max] = next === 1 ? [low, high] : [0x80, 0xbf];
      if (byte === undefined || byte < min || byte > max) return index;
    }
    index += length;
  }
  return data.length;
}
