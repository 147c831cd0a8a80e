import { Compile, type Validator } from 'typebox/compile';
import type { TSchema } from 'typebox';
import { OqsError, toOqsError } from '../errors.js';
import { MESSAGES, type MessageKind, type MessageOf, type ResponseKind } from '../schemas.js';
import { toWireDateTime } from '../wire.js';
import { compilePlan, compileWriter, readJsonMessage, readXmlMessage, type Plan, type Writer } from './codec.js';
import {
  DEFAULT_LIMITS,
  decodeXml,
  encodeXml,
  parseXmlTree,
  xmlDeclaration,
  type ParseLimits,
  type XmlEncoding,
} from './xml.js';

/** The outcome of reading outside input: the typed message, or the coded error to answer with. */
export type Parsed<T> =
  { ok: true; value: T; encoding: XmlEncoding } | { ok: false; error: OqsError; encoding: XmlEncoding | undefined };

interface Compiled {
  plan: Extract<Plan, { kind: 'object' }>;
  writer: Writer;
  validator: Validator;
}

const compiled = new Map<MessageKind, Compiled>();

function compiledOf(kind: MessageKind): Compiled {
  let c = compiled.get(kind);
  if (c === undefined) {
    const schema: TSchema = MESSAGES[kind];
    const plan = compilePlan('xmlMsg', schema, true, 'XmlMsg');
    if (plan.kind !== 'object') {
      throw new Error(`${kind}: a message schema must be an object`);
    }
    c = { plan, writer: compileWriter(plan, { stateEncoding: kind.endsWith('res') }), validator: Compile(schema) };
    compiled.set(kind, c);
  }
  return c;
}

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A JSON pointer (/messageBody/qualificationConfirmSearchInfo/0/birthdate) → the XML path the vendor knows. */
function xmlPath(pointer: string): string {
  let out = 'XmlMsg';
  for (const segment of pointer.split('/').filter((s) => s !== '')) {
    out += /^\d+$/.test(segment) ? `[${Number(segment) + 1}]` : `/${upperFirst(segment)}`;
  }
  return out;
}

/** Maps the first schema violation of an invalid value to a catalogue error; `form` picks how the path is shown. */
function violation(validator: Validator, value: unknown, form: 'xml' | 'json'): OqsError {
  const [first] = validator.Errors(value);
  if (first === undefined) {
    return new OqsError('fieldInvalid');
  }
  let pointer = first.instancePath;
  if (first.keyword === 'required') {
    const params: unknown = first.params;
    const missing: unknown =
      typeof params === 'object' && params !== null ? Reflect.get(params, 'requiredProperties') : undefined;
    if (Array.isArray(missing) && typeof missing[0] === 'string') {
      pointer += `/${missing[0]}`;
    }
  }
  const path = form === 'xml' ? xmlPath(pointer) : pointer;
  if (first.keyword === 'required' || first.keyword === 'minItems') {
    return new OqsError('fieldMissing', path);
  }
  if (first.keyword === 'maxLength') {
    return new OqsError('fieldTooLong', path);
  }
  if (first.keyword === 'maxItems') {
    return new OqsError('tooManyElements', path);
  }
  return new OqsError('fieldInvalid', path);
}

/**
 * Reads an OQS XML message of a known kind (from the endpoint or the file prefix): bytes in the declared
 * encoding, safely parsed, tolerant of padding, widths and single-vs-list, then checked against the schema.
 * Never throws: every failure is a coded error.
 */
export function parseXmlMessage<K extends MessageKind>(
  kind: K,
  input: Uint8Array | string,
  limits: ParseLimits = DEFAULT_LIMITS,
): Parsed<MessageOf<K>> {
  let encoding: XmlEncoding | undefined;
  try {
    let text: string;
    if (typeof input === 'string') {
      if (input.length > limits.maxBytes) {
        throw new OqsError('tooLarge', `${input.length} characters > ${limits.maxBytes}`);
      }
      text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
      encoding = 'utf8';
    } else {
      const decoded = decodeXml(input, limits);
      text = decoded.text;
      encoding = decoded.encoding;
    }
    const c = compiledOf(kind);
    const value = readXmlMessage(c.plan, parseXmlTree(text, limits));
    if (isMessage(kind, c, value)) {
      return { ok: true, value, encoding };
    }
    return { ok: false, error: violation(c.validator, value, 'xml'), encoding };
  } catch (thrown) {
    return { ok: false, error: toOqsError(thrown), encoding };
  }
}

function isMessage<K extends MessageKind>(_kind: K, c: Compiled, value: unknown): value is MessageOf<K> {
  return c.validator.Check(value);
}

/**
 * Reads the JSON form of a message with the same normalisation as the XML form, then checks the schema.
 * Never throws.
 */
export function parseJsonMessage<K extends MessageKind>(kind: K, body: unknown): Parsed<MessageOf<K>> {
  try {
    const c = compiledOf(kind);
    const value = readJsonMessage(c.plan, body);
    if (isMessage(kind, c, value)) {
      return { ok: true, value, encoding: 'utf8' };
    }
    return { ok: false, error: violation(c.validator, value, 'json'), encoding: undefined };
  } catch (thrown) {
    return { ok: false, error: toOqsError(thrown), encoding: undefined };
  }
}

/** Checks a message Onshi is about to send (tests and debug builds; the hot path trusts its own types). */
export function checkMessage(kind: MessageKind, value: unknown): OqsError | undefined {
  const c = compiledOf(kind);
  return c.validator.Check(value) ? undefined : violation(c.validator, value, 'json');
}

/**
 * Writes a message as XML text with the declaration for `encoding`; CharacterCodeIdentifier always states the
 * encoding written. Precompiled per kind: string concatenation over the schema plan (faster than
 * fast-xml-parser's XMLBuilder — see docs/decisions/0070).
 */
export function serialiseXmlString<K extends MessageKind>(
  kind: K,
  message: MessageOf<K>,
  encoding: XmlEncoding,
): string {
  return xmlDeclaration(encoding) + compiledOf(kind).writer(message, encoding);
}

/** Writes a message as bytes in the asked encoding (UTF-8, or Shift_JIS with 〓 for characters it lacks). */
export function serialiseXml<K extends MessageKind>(kind: K, message: MessageOf<K>, encoding: XmlEncoding): Buffer {
  return encodeXml(serialiseXmlString(kind, message, encoding), encoding);
}

/** What an error response echoes from the request, as far as it could be read. */
export interface ErrorContext {
  /** When the message was processed (ProcessExecutionTime). */
  at: Date;
  medicalInstitutionCode?: string;
  arbitraryFileIdentifier?: string;
  qualificationConfirmationDate?: string;
  receptionNumber?: string;
}

/**
 * The whole-message error in XML for a response kind: SegmentOfResult 9 with ErrorCode (the catalogue code)
 * and ErrorMessage (the staff message in Japanese); for YZK/TKK, ResultCode 2 with MessageContents.
 */
export function errorXmlString(
  kind: ResponseKind,
  error: OqsError,
  context: ErrorContext,
  encoding: XmlEncoding,
): string {
  const header: Record<string, string> = { processExecutionTime: toWireDateTime(context.at) };
  if (context.qualificationConfirmationDate !== undefined) {
    header['qualificationConfirmationDate'] = context.qualificationConfirmationDate;
  }
  if (context.medicalInstitutionCode !== undefined && /^\d{10}$/.test(context.medicalInstitutionCode)) {
    header['medicalInstitutionCode'] = context.medicalInstitutionCode;
  }
  if (context.arbitraryFileIdentifier !== undefined) {
    header['arbitraryFileIdentifier'] = context.arbitraryFileIdentifier;
  }
  if (kind === 'YZKsiquc01res' || kind === 'TKKsiquc01res') {
    header['resultCode'] = '2';
    header['messageContents'] = error.entry.staff.ja;
  } else {
    if (context.receptionNumber !== undefined) {
      header['receptionNumber'] = context.receptionNumber;
    }
    header['segmentOfResult'] = '9';
    header['errorCode'] = error.entry.code;
    header['errorMessage'] = error.entry.staff.ja;
  }
  return xmlDeclaration(encoding) + compiledOf(kind).writer({ messageHeader: header, messageBody: {} }, encoding);
}

/** The whole-message error as bytes in the asked encoding. */
export function errorXml(kind: ResponseKind, error: OqsError, context: ErrorContext, encoding: XmlEncoding): Buffer {
  return encodeXml(errorXmlString(kind, error, context, encoding), encoding);
}

/**
 * The body fields of a per-person error (ProcessingResultStatus 2, ProcessingResultCode, ProcessingResultMessage),
 * to spread into a response body or a BulkConfirmUnit / BulkRegistrationUnit.
 */
export function resultError(error: OqsError): {
  processingResultStatus: '2';
  processingResultCode: string;
  processingResultMessage: string;
} {
  return {
    processingResultStatus: '2',
    processingResultCode: error.entry.code,
    processingResultMessage: error.entry.staff.ja,
  };
}

/**
 * The encoding to answer in: what the request asked for in CharacterCodeIdentifier (OQSCD005), else the
 * encoding the request itself came in, else UTF-8.
 */
export function responseEncoding(request: unknown, requestEncoding: XmlEncoding | undefined): XmlEncoding {
  const header: unknown =
    typeof request === 'object' && request !== null ? Reflect.get(request, 'messageHeader') : undefined;
  const asked: unknown =
    typeof header === 'object' && header !== null ? Reflect.get(header, 'characterCodeIdentifier') : undefined;
  if (asked === '0') {
    return 'utf8';
  }
  if (asked === '1') {
    return 'shiftJis';
  }
  return requestEncoding ?? 'utf8';
}
