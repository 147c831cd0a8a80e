/**
 * A minimal DER reader for X.509 certificates (RFC 5280 §4.1), for the verification hot path. Node's
 * `X509Certificate` and `createPublicKey(spki)` each cost ~0.3 ms per call under OpenSSL 3 (key decoding), which
 * would cap verification near 3,000/s; this reader extracts only what verification needs and imports the RSA key
 * as PKCS#1 (~20 µs). It trusts nothing it reads until the CA's signature over `tbs` has been checked.
 */

const UTF8 = new TextDecoder();

/** One TLV: tag byte, and where its content lies in the buffer. */
interface Tlv {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

function readTlv(buf: Uint8Array, offset: number, limit: number): Tlv | undefined {
  if (offset + 2 > limit) {
    return undefined;
  }
  const tag = buf[offset] ?? 0;
  if ((tag & 0x1f) === 0x1f) {
    return undefined;
  }
  const l0 = buf[offset + 1] ?? 0;
  let length = l0;
  let contentStart = offset + 2;
  if (l0 & 0x80) {
    const count = l0 & 0x7f;
    if (count === 0 || count > 3 || offset + 2 + count > limit) {
      return undefined;
    }
    length = 0;
    for (let i = 0; i < count; i += 1) {
      length = length * 256 + (buf[offset + 2 + i] ?? 0);
    }
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) {
    return undefined;
  }
  return { tag, start: offset, contentStart, end };
}

/** Children of a constructed TLV; `undefined` if any is malformed. */
function children(buf: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  let at = parent.contentStart;
  while (at < parent.end) {
    const child = readTlv(buf, at, parent.end);
    if (!child) {
      return undefined;
    }
    out.push(child);
    at = child.end;
  }
  return out;
}

function bytesEqual(buf: Uint8Array, t: Tlv, expected: Uint8Array): boolean {
  if (t.end - t.contentStart !== expected.length) {
    return false;
  }
  for (let i = 0; i < expected.length; i += 1) {
    if (buf[t.contentStart + i] !== expected[i]) {
      return false;
    }
  }
  return true;
}

const OID_SHA256_RSA = Uint8Array.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]);
const OID_RSA = Uint8Array.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]);
const OID_BASIC_CONSTRAINTS = Uint8Array.from([0x55, 0x1d, 0x13]);
const ATTRIBUTE_OIDS: Record<string, Uint8Array> = {
  CN: Uint8Array.from([0x55, 0x04, 0x03]),
  serialNumber: Uint8Array.from([0x55, 0x04, 0x05]),
  OU: Uint8Array.from([0x55, 0x04, 0x0b]),
};

/** What verification needs from a certificate. */
export interface ParsedCertificate {
  /** The signed part (TBSCertificate), as it was signed. */
  tbs: Uint8Array;
  signature: Uint8Array;
  /** Uppercase hex without leading zeros. */
  serial: string;
  /** DER of the issuer and subject Names, for exact matching. */
  issuerName: Uint8Array;
  subjectName: Uint8Array;
  notBefore: number;
  notAfter: number;
  /** Subject attributes this system uses: CN, OU, serialNumber (2.5.4.5). */
  subject: { CN: string[]; OU: string[]; serialNumber: string[] };
  /** PKCS#1 RSAPublicKey DER of the subject key. */
  rsaPublicKey: Uint8Array;
  /** basicConstraints cA. */
  isCa: boolean;
}

function parseTime(buf: Uint8Array, t: Tlv): number | undefined {
  const text = UTF8.decode(buf.subarray(t.contentStart, t.end));
  let full: string;
  if (t.tag === 0x17 && /^\d{12}Z$/.test(text)) {
    const yy = Number(text.slice(0, 2));
    full = `${yy >= 50 ? 19 : 20}${text}`;
  } else if (t.tag === 0x18 && /^\d{14}Z$/.test(text)) {
    full = text;
  } else {
    return undefined;
  }
  const iso = `${full.slice(0, 4)}-${full.slice(4, 6)}-${full.slice(6, 8)}T${full.slice(8, 10)}:${full.slice(10, 12)}:${full.slice(12, 14)}Z`;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

function parseName(buf: Uint8Array, name: Tlv): ParsedCertificate['subject'] | undefined {
  const out: ParsedCertificate['subject'] = { CN: [], OU: [], serialNumber: [] };
  const sets = children(buf, name);
  if (!sets) {
    return undefined;
  }
  for (const set of sets) {
    for (const atv of children(buf, set) ?? []) {
      const [oid, value] = children(buf, atv) ?? [];
      if (oid?.tag !== 0x06 || value === undefined) {
        return undefined;
      }
      for (const [key, expected] of Object.entries(ATTRIBUTE_OIDS)) {
        if (bytesEqual(buf, oid, expected) && (key === 'CN' || key === 'OU' || key === 'serialNumber')) {
          out[key].push(UTF8.decode(buf.subarray(value.contentStart, value.end)));
        }
      }
    }
  }
  return out;
}

function isCaFrom(buf: Uint8Array, extensionsWrapper: Tlv | undefined): boolean | undefined {
  if (!extensionsWrapper) {
    return false;
  }
  const [list] = children(buf, extensionsWrapper) ?? [];
  if (!list) {
    return undefined;
  }
  for (const ext of children(buf, list) ?? []) {
    const parts = children(buf, ext) ?? [];
    const oid = parts[0];
    const value = parts[parts.length - 1];
    if (oid && value?.tag === 0x04 && bytesEqual(buf, oid, OID_BASIC_CONSTRAINTS)) {
      const seq = readTlv(buf, value.contentStart, value.end);
      const first = seq ? children(buf, seq)?.[0] : undefined;
      return first?.tag === 0x01 && buf[first.contentStart] !== 0;
    }
  }
  return false;
}

/** Parses an RSA/SHA-256 X.509 certificate; `undefined` if it is malformed or uses another algorithm. */
export function parseCertificate(der: Uint8Array): ParsedCertificate | undefined {
  const cert = readTlv(der, 0, der.length);
  if (cert?.tag !== 0x30 || cert.end !== der.length) {
    return undefined;
  }
  const [tbs, sigAlg, sigValue] = children(der, cert) ?? [];
  if (tbs?.tag !== 0x30 || sigAlg?.tag !== 0x30 || sigValue?.tag !== 0x03) {
    return undefined;
  }
  const sigAlgOid = children(der, sigAlg)?.[0];
  if (sigAlgOid?.tag !== 0x06 || !bytesEqual(der, sigAlgOid, OID_SHA256_RSA) || der[sigValue.contentStart] !== 0) {
    return undefined;
  }
  const fields = children(der, tbs);
  if (!fields) {
    return undefined;
  }
  const body = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
  const [serial, innerAlg, issuer, validity, subject, spki, ...rest] = body;
  if (
    serial?.tag !== 0x02 ||
    innerAlg?.tag !== 0x30 ||
    issuer?.tag !== 0x30 ||
    validity?.tag !== 0x30 ||
    subject?.tag !== 0x30 ||
    spki?.tag !== 0x30
  ) {
    return undefined;
  }
  const innerOid = children(der, innerAlg)?.[0];
  if (innerOid?.tag !== 0x06 || !bytesEqual(der, innerOid, OID_SHA256_RSA)) {
    return undefined;
  }
  const [from, to] = children(der, validity) ?? [];
  const notBefore = from ? parseTime(der, from) : undefined;
  const notAfter = to ? parseTime(der, to) : undefined;
  const [keyAlg, keyBits] = children(der, spki) ?? [];
  const keyOid = keyAlg ? children(der, keyAlg)?.[0] : undefined;
  if (
    notBefore === undefined ||
    notAfter === undefined ||
    keyOid?.tag !== 0x06 ||
    !bytesEqual(der, keyOid, OID_RSA) ||
    keyBits?.tag !== 0x03 ||
    der[keyBits.contentStart] !== 0
  ) {
    return undefined;
  }
  const names = parseName(der, subject);
  const isCa = isCaFrom(
    der,
    rest.find((t) => t.tag === 0xa3),
  );
  if (!names || isCa === undefined) {
    return undefined;
  }
  const serialHex = Buffer.from(der.subarray(serial.contentStart, serial.end)).toString('hex');
  return {
    tbs: der.subarray(tbs.start, tbs.end),
    signature: der.subarray(sigValue.contentStart + 1, sigValue.end),
    serial: serialHex.toUpperCase().replace(/^0+(?=.)/, ''),
    issuerName: der.subarray(issuer.start, issuer.end),
    subjectName: der.subarray(subject.start, subject.end),
    notBefore,
    notAfter,
    subject: names,
    rsaPublicKey: der.subarray(keyBits.contentStart + 1, keyBits.end),
    isCa,
  };
}
