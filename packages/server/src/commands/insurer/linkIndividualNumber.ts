import { AppError } from '../../http/errors.js';
import type { StoreTx } from '../../store/types.js';
import { type InsurerDeps, type InsurerPrincipal, auditAllowed, memberInTx, today } from './access.js';
import { requireIndividualNumber } from './checks.js';
import { INSURER_ERRORS } from './errors.js';

/** What a link shows: only the last four digits, as the 資格情報のお知らせ prints them (seed 003). */
export interface IndividualNumberLinkView {
  memberId: string;
  individualNumberLast4: string;
  linkedOn: string;
  /** False when the same number was already linked to this person (a repeated request changes nothing). */
  created: boolean;
}

/**
 * Links a My Number to the member's person after checking its check digit (番号法施行令 第8条, core
 * `validateIndividualNumber`). The store keeps only a keyed hash and the last four digits (decision 0042); the
 * number never appears in a response, an error or the audit log.
 */
export async function linkIndividualNumber(
  deps: InsurerDeps,
  tx: StoreTx,
  principal: InsurerPrincipal,
  memberId: string,
  individualNumber: string,
): Promise<IndividualNumberLinkView> {
  const q = await memberInTx(tx, memberId);
  const number = requireIndividualNumber(individualNumber);
  const byPerson = await tx.individualNumbers.findByPerson(q.personId);
  if (byPerson !== null) {
    if (byPerson.individualNumberHash !== tx.individualNumbers.hash(number)) {
      throw new AppError(INSURER_ERRORS.personAlreadyLinked);
    }
    return {
      memberId,
      individualNumberLast4: byPerson.individualNumberLast4,
      linkedOn: byPerson.linkedOn,
      created: false,
    };
  }
  if ((await tx.individualNumbers.findByNumber(number)) !== null) {
    throw new AppError(INSURER_ERRORS.individualNumberLinkedElsewhere);
  }
  const link = await tx.individualNumbers.link({
    personId: q.personId,
    individualNumber: number,
    linkedOn: today(deps.ctx),
    linkedBy: principal.insurerNumber,
  });
  await auditAllowed(deps, tx, principal, 'insurer.member.individualNumber.link', q.personId, `qualification:${q.id}`, {
    last4: link.individualNumberLast4,
  });
  return { memberId, individualNumberLast4: link.individualNumberLast4, linkedOn: link.linkedOn, created: true };
}
