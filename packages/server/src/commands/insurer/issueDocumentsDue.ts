import {
  compareDates,
  dayReachingAge,
  documentsDue,
  LEGACY_CARD_LAST_DAY,
  minDate,
  type DocumentsDuePerson,
} from '@onshi/core';
import { AppError } from '../../http/errors.js';
import type { Insurer, IssuedDocument, Person, Qualification, StoreTx } from '../../store/types.js';
import { type InsurerDeps, type InsurerPrincipal, auditAllowed, insurerOf } from './access.js';
import { qualifiedOn, requireDate } from './checks.js';
import { recordDocument, requireCertificateValidity } from './issueDocument.js';
import { documentValidOn, noticeValidTo } from './printedDocument.js';
import { rateSchemeOf } from './schemes.js';
import { type DocumentView, documentView } from './views.js';

/** The batch: everything `documentsDue` says is due on `date`, issued on `date`. */
export interface IssueDocumentsDueInput {
  date: string;
  /** 有効期限 of the 資格確認書 issued in this run (≤ 5 years; for 被用者保険/国保 capped at the day before 75). */
  certificateValidTo: string;
}

/** A member the run could not serve, with the coded reason (e.g. no rate recorded for a 70+ member). */
export interface DueProblem {
  memberId: string;
  code: string;
}

/** What the run did. Running it again for the same date issues nothing new. */
export interface DueRunResult {
  date: string;
  considered: number;
  issued: { eligibilityCertificate: number; qualificationNotice: number };
  alreadyCovered: number;
  nothingDue: number;
  problems: DueProblem[];
  documents: DocumentView[];
  /** One PDF holding every document issued on `date` by this insurer. */
  combinedPdf: string;
}

const PAGE = 500;

/** The person's card situation on `date`, as core `documentsDue` reads it (rules.md §4, §5, §8). */
async function duePerson(
  tx: StoreTx,
  insurer: Insurer,
  q: Qualification,
  person: Person,
  docs: readonly IssuedDocument[],
  date: string,
): Promise<DocumentsDuePerson> {
  const due: DocumentsDuePerson = {
    birthDate: person.birthDate,
    scheme: rateSchemeOf(insurer.scheme),
    insuranceUseRegistered: (await tx.cards.registrationOn(person.id, date)) !== null,
  };
  const cards = (await tx.cards.listByPerson(person.id)).filter(
    (c) => c.status === 'active' && compareDates(c.issuedOn, date) <= 0,
  );
  const card = cards.find((c) => c.kind !== 'smartphone') ?? cards[0];
  if (card !== undefined) {
    due.cardKind = card.kind;
    due.cardExpiry = card.expiresOn;
    const auth = (await tx.certificates.listByCard(card.id))
      .filter((c) => c.kind === 'auth' && c.revokedAt === null)
      .map((c) => c.notAfter.slice(0, 10))
      .sort();
    const last = auth.at(-1);
    if (last !== undefined) {
      due.certificateExpiry = last;
    }
  }
  if (!due.insuranceUseRegistered) {
    due.registrationCancelled = (await tx.cards.registrations(person.id)).some(
      (r) => r.unregisteredOn !== null && compareDates(r.unregisteredOn, date) <= 0,
    );
  }
  due.selfInfoBlocked = (await tx.dvFlags.activeOn(person.id, date)).includes('selfInfoBlocked');
  const legacy = docs.filter((d) => d.kind === 'legacyInsuranceCard').at(-1);
  if (legacy !== undefined) {
    due.legacyCardExpiry = legacy.validTo ?? LEGACY_CARD_LAST_DAY;
  }
  due.requestedCertificate = docs.some((d) => d.kind === 'eligibilityCertificate' && d.onRequest);
  return due;
}

/**
 * True when the member already holds what is due: a 資格確認書 valid on `date`, or — for a notice — the latest
 * document is a notice still valid on `date`. This makes the run idempotent per date.
 */
function covered(
  kind: 'eligibilityCertificate' | 'qualificationNotice',
  docs: readonly IssuedDocument[],
  date: string,
): boolean {
  if (kind === 'eligibilityCertificate') {
    return docs.some((d) => d.kind === 'eligibilityCertificate' && documentValidOn(d, date));
  }
  const latest = docs.filter((d) => d.kind !== 'legacyInsuranceCard' && compareDates(d.issuedOn, date) <= 0).at(-1);
  return latest !== undefined && latest.kind === 'qualificationNotice' && documentValidOn(latest, date);
}

/**
 * 「issue everything the rules say is due on date D」: for every member qualified on D, core `documentsDue` decides
 * between a 資格確認書 and a 資格情報のお知らせ (rules.md §5 [S28][S28b][S29][S30], §8 [S35]); what the member
 * already holds is not issued again. A member whose document cannot be made (no rate recorded at 70+, no My Number
 * for a notice, …) is reported and skipped; everything else commits in one transaction.
 */
export async function issueDocumentsDue(
  deps: InsurerDeps,
  tx: StoreTx,
  principal: InsurerPrincipal,
  input: IssueDocumentsDueInput,
): Promise<DueRunResult> {
  const date = requireDate('date', input.date);
  requireCertificateValidity(date, date, input.certificateValidTo);
  const insurer = await insurerOf(tx, principal);
  const result: DueRunResult = {
    date,
    considered: 0,
    issued: { eligibilityCertificate: 0, qualificationNotice: 0 },
    alreadyCovered: 0,
    nothingDue: 0,
    problems: [],
    documents: [],
    combinedPdf: `/insurer/v1/documents/issued.pdf?issuedOn=${date}`,
  };
  let afterId: string | undefined;
  for (;;) {
    const page = await tx.qualifications.listByInsurer(
      insurer.insurerNumber,
      afterId === undefined ? { limit: PAGE } : { afterId, limit: PAGE },
    );
    for (const q of page) {
      if (!qualifiedOn(q, date)) {
        continue;
      }
      result.considered += 1;
      const person = await tx.persons.get(q.personId);
      if (person === null) {
        result.problems.push({ memberId: q.id, code: 'ONSHI-E-INSURER-UNKNOWN-MEMBER' });
        continue;
      }
      const docs = (await tx.documents.listByPerson(person.id)).filter((d) => d.qualificationId === q.id);
      const due = documentsDue({ date, person: await duePerson(tx, insurer, q, person, docs, date) })[0];
      if (due === undefined || due.document === 'legacyInsuranceCard') {
        result.nothingDue += 1;
        continue;
      }
      if (covered(due.document, docs, date)) {
        result.alreadyCovered += 1;
        continue;
      }
      const validTo =
        due.document === 'eligibilityCertificate'
          ? insurer.scheme === 'lateElderly'
            ? input.certificateValidTo
            : minDate(input.certificateValidTo, dayReachingAge(person.birthDate, 75))
          : null;
      try {
        const doc = await recordDocument(tx, {
          insurer,
          q,
          person,
          kind: due.document,
          issuedOn: date,
          validFrom: date,
          validTo: validTo ?? noticeValidTo(insurer, person.birthDate, date),
          onRequest: false,
        });
        result.issued[due.document] += 1;
        result.documents.push(documentView(doc));
      } catch (error) {
        if (error instanceof AppError) {
          result.problems.push({ memberId: q.id, code: error.code });
          continue;
        }
        throw error;
      }
    }
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) {
      break;
    }
    afterId = last.id;
  }
  await auditAllowed(deps, tx, principal, 'insurer.document.dueRun', null, `insurer:${insurer.insurerNumber}`, {
    date,
    eligibilityCertificate: result.issued.eligibilityCertificate,
    qualificationNotice: result.issued.qualificationNotice,
  });
  return result;
}
