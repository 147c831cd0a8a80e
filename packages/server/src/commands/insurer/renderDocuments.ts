import { renderBatch, renderEligibilityCertificate, renderQualificationNotice } from '../../documents/index.js';
import type { DocumentRequest } from '../../documents/types.js';
import { AppError } from '../../http/errors.js';
import type { IssuedDocument, StoreRepositories } from '../../store/types.js';
import { type InsurerDeps, type InsurerPrincipal, actorOf, insurerOf } from './access.js';
import { requireDate } from './checks.js';
import { INSURER_ERRORS } from './errors.js';
import type { IssuableKind } from './printedDocument.js';
import { documentRequestFor, requirePrintable } from './printedDocument.js';

async function requestOf(repos: StoreRepositories, doc: IssuedDocument): Promise<DocumentRequest> {
  const q = await repos.qualifications.get(doc.qualificationId);
  const insurer = await repos.insurers.get(doc.insurerNumber);
  if (q === null || insurer === null) {
    throw new AppError(INSURER_ERRORS.unknownDocument);
  }
  const request = documentRequestFor(doc, insurer, q);
  requirePrintable(request);
  return request;
}

/** The PDF of one issued document, from its stored printed fields (a reprint is identical). Audited. */
export async function renderIssuedDocument(
  deps: InsurerDeps,
  principal: InsurerPrincipal,
  doc: IssuedDocument,
): Promise<Buffer> {
  const request = await requestOf(deps.ctx.store, doc);
  const pdf =
    request.kind === 'qualificationNotice'
      ? await renderQualificationNotice(request.data)
      : await renderEligibilityCertificate(request.data);
  await deps.audit.append({
    ...actorOf(principal),
    action: 'insurer.document.print',
    personId: doc.personId,
    target: `document:${doc.id}`,
    outcome: 'allowed',
    detail: { kind: doc.kind },
  });
  return pdf;
}

/** One PDF with every document the insurer issued on `issuedOn` (optionally one kind), in issue order. */
export async function renderIssuedOn(
  deps: InsurerDeps,
  principal: InsurerPrincipal,
  query: { issuedOn: string; kind?: IssuableKind },
): Promise<Buffer> {
  const { store } = deps.ctx;
  const issuedOn = requireDate('issuedOn', query.issuedOn);
  const insurer = await insurerOf(store, principal);
  const requests: DocumentRequest[] = [];
  let afterId: string | undefined;
  for (;;) {
    const page = await store.documents.listByInsurer(
      insurer.insurerNumber,
      issuedOn,
      issuedOn,
      afterId === undefined ? { limit: 500 } : { afterId, limit: 500 },
    );
    for (const doc of page) {
      if (doc.kind !== 'legacyInsuranceCard' && (query.kind === undefined || doc.kind === query.kind)) {
        requests.push(await requestOf(store, doc));
      }
    }
    const last = page.at(-1);
    if (page.length < 500 || last === undefined) {
      break;
    }
    afterId = last.id;
  }
  if (requests.length === 0) {
    throw new AppError(INSURER_ERRORS.noDocuments);
  }
  const pdf = await renderBatch(requests);
  await deps.audit.append({
    ...actorOf(principal),
    action: 'insurer.document.printBatch',
    personId: null,
    target: `insurer:${insurer.insurerNumber}`,
    outcome: 'allowed',
    detail: { issuedOn, documents: requests.length },
  });
  return pdf;
}

/** The documents the insurer issued between two dates, `limit` at a time. */
export async function listIssuedDocuments(
  repos: StoreRepositories,
  principal: InsurerPrincipal,
  query: { fromOn: string; toOn: string; afterId?: string; limit: number },
): Promise<{ documents: IssuedDocument[]; nextAfterId: string | null }> {
  const insurer = await insurerOf(repos, principal);
  const fromOn = requireDate('from', query.fromOn);
  const toOn = requireDate('to', query.toOn);
  const page = query.afterId === undefined ? { limit: query.limit } : { afterId: query.afterId, limit: query.limit };
  const documents = await repos.documents.listByInsurer(insurer.insurerNumber, fromOn, toOn, page);
  const last = documents.at(-1);
  return { documents, nextAfterId: documents.length === query.limit && last !== undefined ? last.id : null };
}
