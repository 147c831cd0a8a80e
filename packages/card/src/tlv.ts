/**
 * The BER-TLV subset the card's data files use (ISO 7816-4 §5.2): tags of one or two bytes and definite lengths
 * (short form, 81 xx, 82 xx xx). Enough for 券面事項入力補助AP's 4情報 (FF20 { DF22 … DF25 }) and the face template.
 */

/** One decoded TLV: its tag as a number (e.g. 0xdf22) and its value bytes. */
export interface Tlv {
  tag: number;
  value: Uint8Array;
}

function encodeLength(length: number): number[] {
  if (length < 0x80) {
    return [length];
  }
  if (length <= 0xff) {
    return [0x81, length];
  }
  return [0x82, (length >> 8) & 0xff, length & 0xff];
}

/** Encodes one TLV. */
export function encodeTlv(tag: number, value: Uint8Array): Uint8Array {
  const tagBytes = tag > 0xff ? [(tag >> 8) & 0xff, tag & 0xff] : [tag];
  const head = [...tagBytes, ...encodeLength(value.length)];
  const out = new Uint8Array(head.length + value.length);
  out.set(head);
  out.set(value, head.length);
  return out;
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Decodes a sequence of TLVs; `undefined` when the bytes are malformed. */
export function decodeTlvs(bytes: Uint8Array): Tlv[] | undefined {
  const out: Tlv[] = [];
  let at = 0;
  while (at < bytes.length) {
    const first = bytes[at] ?? 0;
    let tag = first;
    at += 1;
    if ((first & 0x1f) === 0x1f) {
      const second = bytes[at];
      if (second === undefined) {
        return undefined;
      }
      tag = (first << 8) | second;
      at += 1;
    }
    const l0 = bytes[at];
    if (l0 === undefined) {
      return undefined;
    }
    at += 1;
    let length = l0;
    if (l0 === 0x81) {
      length = bytes[at] ?? -1;
      at += 1;
    } else if (l0 === 0x82) {
      length = ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
      at += 2;
    } else if (l0 > 0x82) {
      return undefined;
    }
    if (length < 0 || at + length > bytes.length) {
      return undefined;
    }
    out.push({ tag, value: bytes.slice(at, at + length) });
    at += length;
  }
  return out;
}
