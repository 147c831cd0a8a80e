/**
 * ISO/IEC 7816-4 command and response APDUs: the only language the reader and the chip share. Short and
 * extended lengths (ISO 7816-4 §5.1, cases 1–4) so a whole certificate can be read or written in one command.
 */

/** A parsed command APDU. `ne` is the number of response bytes expected (0 when Le is absent). */
export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Uint8Array;
  ne: number;
}

/** The chip's answer: response data and the two status bytes. */
export interface ResponseApdu {
  data: Uint8Array;
  sw: number;
}

/**
 * The status words this chip answers with, with their ISO 7816-4 §5.6 meanings. Written down once so the reader,
 * the tests and the docs agree.
 */
export const SW = {
  /** 90 00 — normal processing. */
  ok: 0x9000,
  /** 62 82 — end of file reached before reading Ne bytes (READ BINARY past the end). */
  endOfFile: 0x6282,
  /** 63 Cx — verification failed, x tries left (x = 0: this wrong entry locked the reference data). */
  verifyFailedBase: 0x63c0,
  /** 67 00 — wrong length (Lc or Le inconsistent, or a PIN of the wrong length). */
  wrongLength: 0x6700,
  /** 69 81 — command incompatible with the file structure (e.g. READ BINARY of a key or PIN file). */
  incompatibleFile: 0x6981,
  /** 69 82 — security status not satisfied (no successful VERIFY for this file in this session). */
  securityNotSatisfied: 0x6982,
  /** 69 83 — authentication method blocked: the retry counter is at zero (PIN or face matching locked). */
  authenticationBlocked: 0x6983,
  /** 69 84 — reference data not usable: the card holds no PIN here (顔認証マイナンバーカード, iPhone). */
  referenceDataNotUsable: 0x6984,
  /** 69 85 — conditions of use not satisfied (e.g. an administrative command without a fresh challenge). */
  conditionsNotSatisfied: 0x6985,
  /** 69 86 — command not allowed: no current EF. */
  noCurrentEf: 0x6986,
  /** 6A 80 — incorrect parameters in the data field. */
  wrongData: 0x6a80,
  /** 6A 82 — file or application not found. */
  fileNotFound: 0x6a82,
  /** 6A 86 — incorrect parameters P1-P2. */
  wrongP1P2: 0x6a86,
  /** 6A 88 — referenced data not found (VERIFY or signature with no PIN/key file selected). */
  referenceDataNotFound: 0x6a88,
  /** 6B 00 — wrong parameters: offset outside the EF. */
  offsetOutsideEf: 0x6b00,
  /** 6D 00 — instruction code not supported. */
  insNotSupported: 0x6d00,
  /** 6E 00 — class not supported. */
  claNotSupported: 0x6e00,
} as const;

/** True when `sw` is 63 Cx (a failed VERIFY); `sw & 0x0f` is then the number of tries left. */
export function isVerifyFailed(sw: number): boolean {
  return (sw & 0xfff0) === SW.verifyFailedBase;
}

/** Encodes a command APDU, choosing short or extended length fields as the sizes require. */
export function encodeCommand(command: CommandApdu): Uint8Array {
  const { cla, ins, p1, p2, data, ne } = command;
  const extended = data.length > 255 || ne > 256;
  const header = [cla, ins, p1, p2];
  const parts: number[] = [...header];
  if (!extended) {
    if (data.length > 0) {
      parts.push(data.length, ...data);
    }
    if (ne > 0) {
      parts.push(ne === 256 ? 0 : ne);
    }
    return Uint8Array.from(parts);
  }
  if (data.length > 0) {
    parts.push(0, (data.length >> 8) & 0xff, data.length & 0xff, ...data);
  }
  if (ne > 0) {
    const le = ne === 65536 ? 0 : ne;
    if (data.length === 0) {
      parts.push(0);
    }
    parts.push((le >> 8) & 0xff, le & 0xff);
  }
  return Uint8Array.from(parts);
}

/** Decodes a command APDU; `undefined` when the bytes are not a well-formed APDU (the chip answers 67 00). */
export function decodeCommand(bytes: Uint8Array): CommandApdu | undefined {
  if (bytes.length < 4) {
    return undefined;
  }
  const [cla = 0, ins = 0, p1 = 0, p2 = 0] = bytes;
  const body = bytes.subarray(4);
  const base = { cla, ins, p1, p2 };
  if (body.length === 0) {
    return { ...base, data: new Uint8Array(0), ne: 0 };
  }
  const b0 = body[0] ?? 0;
  if (body.length === 1) {
    return { ...base, data: new Uint8Array(0), ne: b0 === 0 ? 256 : b0 };
  }
  if (b0 !== 0) {
    // Short case 3 or 4.
    if (body.length === 1 + b0) {
      return { ...base, data: body.slice(1), ne: 0 };
    }
    if (body.length === 2 + b0) {
      const le = body[1 + b0] ?? 0;
      return { ...base, data: body.slice(1, 1 + b0), ne: le === 0 ? 256 : le };
    }
    return undefined;
  }
  // Extended: 00 followed by two length bytes.
  if (body.length === 3) {
    const le = ((body[1] ?? 0) << 8) | (body[2] ?? 0);
    return { ...base, data: new Uint8Array(0), ne: le === 0 ? 65536 : le };
  }
  const lc = ((body[1] ?? 0) << 8) | (body[2] ?? 0);
  if (lc === 0) {
    return undefined;
  }
  if (body.length === 3 + lc) {
    return { ...base, data: body.slice(3, 3 + lc), ne: 0 };
  }
  if (body.length === 5 + lc) {
    const le = ((body[3 + lc] ?? 0) << 8) | (body[4 + lc] ?? 0);
    return { ...base, data: body.slice(3, 3 + lc), ne: le === 0 ? 65536 : le };
  }
  return undefined;
}

/** Encodes a response APDU as it travels on the wire: data then SW1 SW2. */
export function encodeResponse(response: ResponseApdu): Uint8Array {
  const out = new Uint8Array(response.data.length + 2);
  out.set(response.data);
  out[response.data.length] = (response.sw >> 8) & 0xff;
  out[response.data.length + 1] = response.sw & 0xff;
  return out;
}

/** Splits wire bytes into response data and status word; `undefined` if fewer than two bytes arrived. */
export function decodeResponse(bytes: Uint8Array): ResponseApdu | undefined {
  if (bytes.length < 2) {
    return undefined;
  }
  const sw = ((bytes[bytes.length - 2] ?? 0) << 8) | (bytes[bytes.length - 1] ?? 0);
  return { data: bytes.slice(0, bytes.length - 2), sw };
}

/** Formats a status word as 'XX XX' for messages and logs. */
export function formatSw(sw: number): string {
  const hex = sw.toString(16).toUpperCase().padStart(4, '0');
  return `${hex.slice(0, 2)} ${hex.slice(2)}`;
}
