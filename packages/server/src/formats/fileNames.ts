import { OqsError } from './errors.js';
import { isRequestKind, responseKindOf, type RequestKind, type ResponseKind } from './schemas.js';
import { isWireDateTime, toWireDateTime } from './wire.js';

/*
 * The file interface of the 連携アプリ (oqs-interface.md §1): the clinic system drops `{prefix}req_{id}.xml` into
 * req/, the result appears as `{prefix}res_{id}.xml` in res/, and reader confirmations appear on their own in
 * face/ as `OQSsiquc01res_face_{医療機関コード10}{id20}_{yyyyMMddHHmmss}.xml`. Names come from outside, so
 * they are validated before any path is built from them.
 */

/** The id part after the prefix: letters, digits, '-' and '_' only (so no path separators, no "..", no NUL). */
const ID = /^[0-9A-Za-z_-]{1,64}$/;
/** The shape of any OQS message prefix, including the ones Onshi does not implement (OQSmutic01req …). */
const PREFIX_SHAPE = /^[A-Z]{3}[a-z]{5}\d{2}(?:req|res)$/;
const FACE = /^OQSsiquc01res_face_(\d{10})([0-9A-Za-z]{20})_(\d{14})\.xml$/;

/** A request file name taken apart. */
export interface RequestFileName {
  kind: RequestKind;
  /** The clinic's id part, echoed in the result's name. */
  id: string;
}

/** Refuses anything that is not a plain file name (the agent joins it to its own directory). */
function assertPlainName(name: string): void {
  if (
    name.length === 0 ||
    name.length > 200 ||
    name.includes('/') ||
    name.includes('\\') ||
    name.includes('\u0000') ||
    name.includes('..') ||
    name.startsWith('.')
  ) {
    throw new OqsError('fileName', 'not a plain file name');
  }
}

/**
 * Reads a request file name: `{prefix}req_{id}.xml` with a known prefix. Unknown but well-shaped prefixes
 * (bulk 医療扶助, 訪問診療 …) are OQS-E-UNSUPPORTED-MESSAGE; anything else OQS-E-FILE-NAME. Throws OqsError.
 */
export function parseRequestFileName(name: string): RequestFileName {
  assertPlainName(name);
  const match = /^([A-Za-z0-9]{13})_(.+)\.xml$/i.exec(name);
  const prefix = match?.[1];
  const id = match?.[2];
  if (prefix === undefined || id === undefined || !ID.test(id) || !name.endsWith('.xml')) {
    throw new OqsError('fileName', 'expected {prefix}req_{id}.xml');
  }
  if (isRequestKind(prefix)) {
    return { kind: prefix, id };
  }
  if (PREFIX_SHAPE.test(prefix)) {
    throw new OqsError(prefix.endsWith('req') ? 'unsupportedMessage' : 'fileName', prefix);
  }
  throw new OqsError('fileName', 'unknown prefix');
}

/** The result file name for a request file name: the same name with req → res in the prefix only. */
export function responseFileName(requestName: string): string {
  const { kind, id } = parseRequestFileName(requestName);
  return `${responseKindOf(kind)}_${id}.xml`;
}

/** The response kind a request file name will be answered with. */
export function responseKindOfFile(requestName: string): ResponseKind {
  return responseKindOf(parseRequestFileName(requestName).kind);
}

/** A face-result file name taken apart. */
export interface FaceFileName {
  institutionCode: string;
  /** 20 characters identifying the confirmation (Onshi uses them for its confirmation id). */
  id: string;
  /** yyyyMMddHHmmss, Japan time. */
  processedAt: string;
}

/**
 * The name of the face-result file written to face/ for a reader confirmation:
 * `OQSsiquc01res_face_{医療機関コード10}{id20}_{yyyyMMddHHmmss}.xml`.
 */
export function faceFileName(institutionCode: string, id: string, at: Date): string {
  if (!/^\d{10}$/.test(institutionCode)) {
    throw new OqsError('institutionCode', 'face file needs a 10-digit institution code');
  }
  if (!/^[0-9A-Za-z]{20}$/.test(id)) {
    throw new OqsError('fileName', 'face file id must be 20 letters or digits');
  }
  return `OQSsiquc01res_face_${institutionCode}${id}_${toWireDateTime(at)}.xml`;
}

/** Reads a face-result file name; undefined when it is not one. */
export function parseFaceFileName(name: string): FaceFileName | undefined {
  const match = FACE.exec(name);
  if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined || !isWireDateTime(match[3])) {
    return undefined;
  }
  return { institutionCode: match[1], id: match[2], processedAt: match[3] };
}

/**
 * True for a name the agent may pick up from req/: a request name, not a temporary or hidden file (editors and
 * copy tools write `.tmp`, `~` or dot-files first, so half-written files are never read).
 */
export function isRequestFileName(name: string): boolean {
  try {
    parseRequestFileName(name);
    return true;
  } catch {
    return false;
  }
}
