import { randomUUID } from 'node:crypto';
import { validateEligibilityCertificateValidity } from '@onshi/core';
import { AppError } from '../../http/errors.js';
import type { Insurer, IssuedDocument, Person, Qualification, StoreTx } from '../../store/types.js';
import { type InsurerDeps, type InsurerPrincipal, auditAllowed, insurerOf, memberInTx, today } from './access.js';
import { qualifiedOn, requireDate, requireOrder } from './checks.js';
import { INSURER_ERRORS } from './errors.js';
import {
  type IssuableKind,
  documentRequestFor,
  noticeValidTo,
  printedFieldsFor,
  requirePrintable,
} from './printedDocument.js';
import { type DocumentView, documentView } from './views.js';

/** A document the insurer issues to one member. */
export type IssueDocumentInput =
  | { kind: 'eligibilityCertificate'; issuedOn?: string; validFrom?: string; validTo: string; onRequest?: boolean }
  | { kind: 'qualificationNotice'; issuedOn?: string; onRequest?: boolean };

/**
 * A 資格確認書 validity the insurer chose: from `validFrom` (not before issue) to `validTo`, at most 5 years from
 * issue (core `validateEligibilityCertificateValidity`, rules.md §5 [S29]).
 */
export function requireCertificateValidity(issuedOn: string, validFrom: string, validTo: string): void {
  requireDate('validFrom', validFrom);
  requireDate('validTo', validTo);
  requireOrder('issuedOn', issuedOn, 'validFrom', validFrom);
  requireOrder('validFrom', validFrom, 'validTo', validTo);
  const v = validateEligibilityCertificateValidity({ issueDate: issuedOn, validUntil: validTo });
  if (!v.ok) {
    throw new AppError(
      v.code === 'longerThanFiveYears' ? INSURER_ERRORS.validityTooLong : INSURER_ERRORS.datesOutOfOrder,
      v.message.en,
    );
  }
}

/** Builds, checks and records one document (no access checks: callers have done them). */
export async function recordDocument(
  tx: StoreTx,
  input: {
    insurer: Insurer;
    q: Qualification;
    person: Person;
    kind: IssuableKind;
    issuedOn: string;
    validFrom: string;
    validTo: string | null;
    onRequest: boolean;
  },
): Promise<IssuedDocument> {
  const id = randomUUID();
  const printed = await printedFieldsFor(tx, { ...input, documentId: id });
  const doc: IssuedDocument = {
    id,
    personId: input.q.personId,
    qualificationId: input.q.id,
    insurerNumber: input.insurer.insurerNumber,
    kind: input.kind,
    issuedOn: input.issuedOn,
    validFrom: input.validFrom,
    validTo: input.validTo,
    onRequest: input.onRequest,
    printed,
  };
  requirePrintable(documentRequestFor(doc, input.insurer, input.q));
  return tx.documents.insert(doc);
}

/**
 * Issues a 資格確認書 (validity chosen by the insurer, ≤ 5 years) or a 資格情報のお知らせ (expiry only for 70–74 and
 * 後期) to a member qualified on the issue date, and records what it prints so every reprint is identical.
 */
export async function issueDocument(
  deps: InsurerDeps,
  tx: StoreTx,
  principal: InsurerPrincipal,
  memberId: string,
  input: IssueDocumentInput,
): Promise<DocumentView> {
  const q = await memberInTx(tx, memberId);
  const insurer = await insurerOf(tx, principal);
  const issuedOn = input.issuedOn === undefined ? today(deps.ctx) : requireDate('issuedOn', input.issuedOn);
  if (!qualifiedOn(q, issuedOn)) {
    throw new AppError(INSURER_ERRORS.memberLost, `not qualified on ${issuedOn}`);
  }
  const person = await tx.persons.get(q.personId);
  if (person === null) {
    throw new AppError(INSURER_ERRORS.unknownMember);
  }
  let validFrom = issuedOn;
  let validTo: string | null;
  if (input.kind === 'eligibilityCertificate') {
    validFrom = input.validFrom ?? issuedOn;
    requireCertificateValidity(issuedOn, validFrom, input.validTo);
    validTo = input.validTo;
  } else {
    validTo = noticeValidTo(insurer, person.birthDate, issuedOn);
  }
  const doc = await recordDocument(tx, {
    insurer,
    q,
    person,
    kind: input.kind,
    issuedOn,
    validFrom,
    validTo,
    onRequest: input.onRequest ?? false,
  });
  await auditAllowed(deps, tx, principal, 'insurer.document.issue', q.personId, `document:${doc.id}`, {
    kind: doc.kind,
    issuedOn,
  });
  return documentView(doc);
}
