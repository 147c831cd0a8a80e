/**
 * Text encoding of an uploaded CSV: UTF-8 (with or without BOM) or Shift_JIS as Japanese office software writes it
 * (Windows-31J / CP932, a superset with NEC and IBM extensions such as ① and ㈱). Auto-detection reads the BOM, else
 * tries the first 64 KiB as strict UTF-8 (docs/decisions/0085-member-import.md).
 */
import { open } from 'node:fs/promises';
import iconv from 'iconv-lite';

/** The encodings an import accepts. */
export type CsvEncoding = 'utf8' | 'sjis';

/** What the user asked for on the command line. */
export type EncodingChoice = CsvEncoding | 'auto';

const PROBE_BYTES = 64 * 1024;

/** True when `bytes` is valid UTF-8, allowing a multi-byte sequence cut at the end of the probe. */
export function looksLikeUtf8(bytes: Uint8Array, complete: boolean): boolean {
  let end = bytes.length;
  if (!complete) {
    // Drop a trailing partial sequence: back up over at most 3 continuation bytes to a lead byte.
    let i = end - 1;
    let back = 0;
    while (i >= 0 && back < 3 && ((bytes[i] ?? 0) & 0xc0) === 0x80) {
      i -= 1;
      back += 1;
    }
    const lead = bytes[i] ?? 0;
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (i >= 0 && need > back + 1) {
      end = i;
    }
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** Decides the encoding of a file: the user's choice, else BOM, else UTF-8 validity of the first 64 KiB. */
export async function detectEncoding(path: string, choice: EncodingChoice): Promise<CsvEncoding> {
  if (choice !== 'auto') {
    return choice;
  }
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(PROBE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, PROBE_BYTES, 0);
    const probe = buffer.subarray(0, bytesRead);
    if (probe[0] === 0xef && probe[1] === 0xbb && probe[2] === 0xbf) {
      return 'utf8';
    }
    const { size } = await handle.stat();
    return looksLikeUtf8(probe, bytesRead >= size) ? 'utf8' : 'sjis';
  } finally {
    await handle.close();
  }
}

/** A streaming decoder to JS strings: invalid bytes become U+FFFD, which the row checks report as IMPORT_ENCODING. */
export function decoderFor(encoding: CsvEncoding): NodeJS.ReadWriteStream {
  return iconv.decodeStream(encoding === 'utf8' ? 'utf8' : 'cp932', { stripBOM: true });
}

/** Encodes text for a file in the given encoding (sample files, tests). */
export function encodeText(text: string, encoding: CsvEncoding): Buffer {
  return encoding === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'cp932');
}
