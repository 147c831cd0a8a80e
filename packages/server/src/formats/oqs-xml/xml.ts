import iconv from 'iconv-lite';
import { OqsError } from '../errors.js';

/**
 * The encodings OQS messages come in: UTF-8 or Shift_JIS, as the XML declaration says (oqs-interface.md §1).
 * Shift_JIS is read and written as Windows-31J (cp932), what clinic PCs actually produce under that label.
 */
export type XmlEncoding = 'utf8' | 'shiftJis';

/** CharacterCodeIdentifier of an encoding: 0 UTF-8, 1 Shift_JIS (OQSCD005). */
export function characterCodeIdentifierOf(encoding: XmlEncoding): '0' | '1' {
  return encoding === 'utf8' ? '0' : '1';
}

/** The encoding a CharacterCodeIdentifier asks for. */
export function encodingOfCharacterCode(identifier: '0' | '1'): XmlEncoding {
  return identifier === '0' ? 'utf8' : 'shiftJis';
}

/** Limits on outside input, so no message can exhaust memory or time. Defaults fit a 10,000-person bulk file. */
export interface ParseLimits {
  /** Bytes of the whole message. */
  maxBytes: number;
  /** Elements in the whole document. */
  maxElements: number;
  /** Nesting depth. */
  maxDepth: number;
}

/** The default limits (Onshi's; the official ones are not public). */
export const DEFAULT_LIMITS: ParseLimits = { maxBytes: 8 * 1024 * 1024, maxElements: 200_000, maxDepth: 16 };

const SHIFT_JIS_LABELS = new Set([
  'shift_jis',
  'shift-jis',
  'sjis',
  'x-sjis',
  'windows-31j',
  'cp932',
  'ms932',
  'ms_kanji',
]);
const UTF8_LABELS = new Set(['utf-8', 'utf8']);
const DECLARATION = /^<\?xml\s[^>]*?encoding\s*=\s*["']([^"']{1,40})["']/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The encoding named in the XML declaration, or utf8 when there is none. */
function declaredEncoding(bytes: Uint8Array, hasBom: boolean): XmlEncoding {
  const start = hasBom ? 3 : 0;
  const head = Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(200, bytes.byteLength - start)).toString(
    'latin1',
  );
  const match = DECLARATION.exec(head);
  if (match?.[1] === undefined) {
    return 'utf8';
  }
  const label = match[1].trim().toLowerCase();
  if (UTF8_LABELS.has(label)) {
    return 'utf8';
  }
  if (SHIFT_JIS_LABELS.has(label)) {
    return 'shiftJis';
  }
  throw new OqsError('encoding', `unsupported encoding "${match[1]}"`);
}

function hasNonAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b >= 0x80) {
      return true;
    }
  }
  return false;
}

/**
 * Bytes → text in the declared encoding (UTF-8 when undeclared). Bytes that do not fit the declaration are a
 * coded error, never mojibake: invalid UTF-8 under a UTF-8 declaration, invalid Shift_JIS, a UTF-8 BOM under a
 * Shift_JIS declaration, or valid multi-byte UTF-8 under a Shift_JIS declaration (Japanese Shift_JIS text is
 * practically never valid UTF-8, so this catches a file saved in UTF-8 with a copied Shift_JIS header).
 */
export function decodeXml(
  input: Uint8Array,
  limits: ParseLimits = DEFAULT_LIMITS,
): { text: string; encoding: XmlEncoding } {
  if (input.byteLength > limits.maxBytes) {
    throw new OqsError('tooLarge', `${input.byteLength} bytes > ${limits.maxBytes}`);
  }
  const hasBom = input.byteLength >= 3 && input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf;
  const encoding = declaredEncoding(input, hasBom);
  if (encoding === 'utf8') {
    try {
      const text = strictUtf8.decode(hasBom ? input.subarray(3) : input);
      return { text, encoding };
    } catch {
      throw new OqsError('encoding', 'bytes are not valid UTF-8');
    }
  }
  if (hasBom) {
    throw new OqsError('encoding', 'UTF-8 byte order mark under a Shift_JIS declaration');
  }
  if (hasNonAscii(input)) {
    let validUtf8 = true;
    try {
      strictUtf8.decode(input);
    } catch {
      validUtf8 = false;
    }
    if (validUtf8) {
      throw new OqsError('encoding', 'declared Shift_JIS but the bytes are UTF-8');
    }
  }
  const text = iconv.decode(Buffer.from(input.buffer, input.byteOffset, input.byteLength), 'cp932');
  if (text.includes('\uFFFD')) {
    throw new OqsError('encoding', 'bytes are not valid Shift_JIS');
  }
  return { text, encoding };
}

/** The substitute for a character Shift_JIS cannot carry (〓 ゲタ, as Japanese systems print an unknown 外字). */
const GETA = '〓';

/**
 * Text → bytes in the asked encoding. Characters outside Windows-31J (e.g. 𠮷) become 〓 rather than a silent
 * "?", so staff can see that a character was replaced.
 */
export function encodeXml(text: string, encoding: XmlEncoding): Buffer {
  if (encoding === 'utf8') {
    return Buffer.from(text, 'utf8');
  }
  const bytes = iconv.encode(text, 'cp932');
  if (!bytes.includes(0x3f) || countChar(text, '?') === countByte(bytes, 0x3f)) {
    return bytes;
  }
  let safe = '';
  for (const ch of text) {
    safe += ch === '?' || !iconv.encode(ch, 'cp932').equals(QUESTION) ? ch : GETA;
  }
  return iconv.encode(safe, 'cp932');
}

const QUESTION = Buffer.from('?');

function countChar(s: string, c: string): number {
  let n = 0;
  for (let i = s.indexOf(c); i >= 0; i = s.indexOf(c, i + 1)) {
    n++;
  }
  return n;
}

function countByte(b: Buffer, c: number): number {
  let n = 0;
  for (let i = b.indexOf(c); i >= 0; i = b.indexOf(c, i + 1)) {
    n++;
  }
  return n;
}

/** The XML declaration Onshi writes for an encoding. */
export function xmlDeclaration(encoding: XmlEncoding): string {
  return `<?xml version="1.0" encoding="${encoding === 'utf8' ? 'UTF-8' : 'Shift_JIS'}" standalone="no"?>\n`;
}

/** Any markup declaration (<!DOCTYPE, <!ENTITY, <!ELEMENT …) other than a comment or CDATA. */
const MARKUP_DECLARATION = /<!(?!--|\[CDATA\[)/;

const NAME = /^[A-Za-z_:\u0080-\uFFFF][\w.:\-\u0080-\uFFFF]*$/;
const REFERENCE = /^&(?:lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9A-Fa-f]{1,6});/;

function malformed(text: string, at: number, why: string): OqsError {
  const line = text.slice(0, at).split('\n').length;
  return new OqsError('xmlMalformed', `line ${line}: ${why}`);
}

/** Checks character data between tags: only the predefined or numeric entity references. */
function checkText(text: string, from: number, to: number): void {
  for (let i = text.indexOf('&', from); i >= 0 && i < to; i = text.indexOf('&', i + 1)) {
    if (!REFERENCE.test(text.slice(i, i + 12))) {
      throw malformed(text, i, 'unknown or broken entity reference');
    }
  }
}

/** A parsed element: its character data and its child elements by tag, in document order. */
export interface XmlElement {
  text: string;
  children: Map<string, XmlNode[]>;
}
/** A parsed node: always an element (text-only elements have no children). */
export type XmlNode = XmlElement;

function newElement(): XmlElement {
  return { text: '', children: new Map() };
}

function appendChild(parent: XmlElement, name: string, child: XmlElement): void {
  const list = parent.children.get(name);
  if (list === undefined) {
    parent.children.set(name, [child]);
  } else {
    list.push(child);
  }
}

/**
 * Text → element tree in one linear pass, safely: tags must balance, names be names, one root and no text
 * outside it; entity references are only the five predefined ones or numeric (DTDs are refused before this, so
 * nothing can expand); element count and depth are capped. Attributes are ignored (OQS uses none).
 * Hand-written rather than fast-xml-parser: that parser does not check well-formedness (its validator is
 * deprecated) and took ~84 µs for a single request against ~15 µs here (docs/decisions/0070).
 */
export function scanXml(text: string, limits: ParseLimits): XmlElement {
  const document = newElement();
  const stack: { name: string; element: XmlElement }[] = [];
  let current = document;
  let elements = 0;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const textEnd = lt < 0 ? text.length : lt;
    if (textEnd > i) {
      if (stack.length === 0) {
        if (text.slice(i, textEnd).trim() !== '') {
          throw malformed(text, i, 'text outside the root element');
        }
      } else {
        checkText(text, i, textEnd);
        current.text += decodeEntities(text.slice(i, textEnd));
      }
    }
    if (lt < 0) {
      break;
    }
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) {
        throw malformed(text, lt, 'unclosed comment');
      }
      i = end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      if (end < 0 || stack.length === 0) {
        throw malformed(text, lt, 'unclosed or misplaced CDATA');
      }
      current.text += text.slice(lt + 9, end);
      i = end + 3;
      continue;
    }
    if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end < 0) {
        throw malformed(text, lt, 'unclosed processing instruction');
      }
      i = end + 2;
      continue;
    }
    const gt = tagEnd(text, lt + 1);
    if (gt < 0) {
      throw malformed(text, lt, 'unclosed tag');
    }
    if (text.charCodeAt(lt + 1) === 47) {
      const name = text.slice(lt + 2, gt).trim();
      const open = stack.pop();
      if (open?.name !== name) {
        throw malformed(text, lt, `unexpected closing tag ${name.slice(0, 40)}`);
      }
      current = stack[stack.length - 1]?.element ?? document;
    } else {
      const selfClosing = text.charCodeAt(gt - 1) === 47;
      const inner = text.slice(lt + 1, selfClosing ? gt - 1 : gt);
      const space = inner.search(/\s/);
      const name = space < 0 ? inner : inner.slice(0, space);
      if (!NAME.test(name)) {
        throw malformed(text, lt, 'bad tag name');
      }
      elements++;
      if (elements > limits.maxElements) {
        throw new OqsError('tooManyElements', `more than ${limits.maxElements} elements`);
      }
      if (stack.length === 0 && document.children.size > 0) {
        throw malformed(text, lt, 'more than one root element');
      }
      const element = newElement();
      appendChild(current, name, element);
      if (!selfClosing) {
        stack.push({ name, element });
        if (stack.length > limits.maxDepth) {
          throw malformed(text, lt, `nesting deeper than ${limits.maxDepth}`);
        }
        current = element;
      }
    }
    i = gt + 1;
  }
  if (stack.length > 0) {
    throw malformed(text, text.length, `unclosed element ${stack[stack.length - 1]?.name ?? ''}`);
  }
  if (document.children.size === 0) {
    throw malformed(text, 0, 'no root element');
  }
  return document;
}

/** The index of the '>' closing a tag, skipping quoted attribute values; -1 if none. */
function tagEnd(text: string, from: number): number {
  let quote = '';
  for (let j = from; j < text.length; j++) {
    const c = text[j];
    if (quote !== '') {
      if (c === quote) {
        quote = '';
      }
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return j;
    } else if (c === '<') {
      return -1;
    }
  }
  return -1;
}

const ENTITY = /&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9A-Fa-f]{1,6});/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Resolves the predefined and numeric references in character data (the parser leaves them alone). */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) {
    return s;
  }
  return s.replace(ENTITY, (_m, ref: string) => {
    if (ref.startsWith('#x')) {
      return safeCodePoint(parseInt(ref.slice(2), 16));
    }
    if (ref.startsWith('#')) {
      return safeCodePoint(parseInt(ref.slice(1), 10));
    }
    return NAMED[ref] ?? '';
  });
}

function safeCodePoint(n: number): string {
  return n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : '';
}

/**
 * Text → element tree, safely: DTDs and entity declarations are refused before anything else (no entity
 * expansion, no external entities), then `scanXml` checks and builds in one pass. Throws OqsError.
 */
export function parseXmlTree(text: string, limits: ParseLimits = DEFAULT_LIMITS): XmlElement {
  if (MARKUP_DECLARATION.test(text)) {
    throw new OqsError('xmlDoctype', 'DOCTYPE/ENTITY declarations are not accepted');
  }
  return scanXml(text, limits);
}
