import type { PresentedDocument } from '@onshi/core';
import type { App } from '../../app.js';
import { OqsError } from '../../formats/errors.js';
import { parseXmlTree, type XmlElement } from '../../formats/oqs-xml/index.js';
import { fromWireDate, isWireDate, trimWide, foldWidth } from '../../formats/wire.js';

/** Content types of the OQS XML endpoints. */
export const XML_CONTENT_TYPES = ['application/xml', 'text/xml'];

/**
 * Lets the OQS XML endpoints receive the raw bytes (the declared encoding is decoded by formats, never by HTTP).
 * Idempotent: another OQS route module may call it too.
 */
export function acceptXmlBodies(app: App): void {
  for (const type of XML_CONTENT_TYPES) {
    if (!app.hasContentTypeParser(type)) {
      app.addContentTypeParser(type, { parseAs: 'buffer' }, (_request, body, done) => {
        done(null, body);
      });
    }
  }
}

function child(node: XmlElement | undefined, tag: string): XmlElement | undefined {
  return node?.children.get(tag)?.[0];
}

function textOf(node: XmlElement | undefined): string | undefined {
  return node === undefined ? undefined : trimWide(foldWidth(node.text));
}

const KINDS = new Set([
  'eligibilityCertificate',
  'cardWithQualificationNotice',
  'cardWithPortalScreen',
  'legacyInsuranceCard',
  'qualificationNoticeAlone',
]);

function isPresentedKind(
  value: string,
): value is Exclude<PresentedDocument['kind'], 'myNumberCardAtReader' | 'nothing'> {
  return KINDS.has(value);
}

function wireDate(value: string | undefined, path: string): string | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  if (!isWireDate(value)) {
    throw new OqsError('fieldInvalid', path);
  }
  return fromWireDate(value);
}

/**
 * Onshi's XML extension for the presented document (docs/api-oqs.md): inside QualificationConfirmSearchInfo,
 * `<OnshiPresentedDocument><Kind>legacyInsuranceCard</Kind><PrintedExpiry>20251201</PrintedExpiry>
 * <ValidUntil>…</ValidUntil></OnshiPresentedDocument>`. Read only when the tag is present (the standard codec
 * ignores unknown elements). Throws OqsError on a bad value.
 */
export function presentedFromXml(text: string): PresentedDocument | undefined {
  if (!text.includes('OnshiPresentedDocument')) {
    return undefined;
  }
  const root = parseXmlTree(text);
  const info = child(child(child(root, 'XmlMsg'), 'MessageBody'), 'QualificationConfirmSearchInfo');
  const ext = child(info, 'OnshiPresentedDocument');
  if (ext === undefined) {
    return undefined;
  }
  const base = 'XmlMsg/MessageBody/QualificationConfirmSearchInfo/OnshiPresentedDocument';
  const kind = textOf(child(ext, 'Kind'));
  if (kind === undefined || !isPresentedKind(kind)) {
    throw new OqsError('fieldInvalid', `${base}/Kind`);
  }
  const printedExpiry = wireDate(textOf(child(ext, 'PrintedExpiry')), `${base}/PrintedExpiry`);
  const validUntil = wireDate(textOf(child(ext, 'ValidUntil')), `${base}/ValidUntil`);
  if (kind === 'eligibilityCertificate' && validUntil === undefined) {
    throw new OqsError('fieldMissing', `${base}/ValidUntil`);
  }
  return {
    kind,
    ...(printedExpiry !== undefined ? { printedExpiry } : {}),
    ...(validUntil !== undefined ? { validUntil } : {}),
  };
}
