import { compareDates } from '@onshi/core';
import { AppError } from '../../http/errors.js';
import type { LossReason, StoreTx } from '../../store/types.js';
import { type InsurerDeps, type InsurerPrincipal, auditAllowed, memberInTx, today } from './access.js';
import { requireDate, requireOrder } from './checks.js';
import { INSURER_ERRORS } from './errors.js';
import { type MemberView, memberView } from './views.js';

/** 資格喪失: `lostOn` is the first day without the qualification (資格喪失年月日, e.g. the day after leaving a job). */
export interface RecordLossInput {
  lostOn: string;
  lossReason: LossReason;
}

/** What the loss changed: the member and the dependants who lost with them. */
export interface RecordLossResult {
  member: MemberView;
  dependantsLost: string[];
}

/**
 * 資格喪失 of a member. The loss must come after acquisition; a second loss is refused. An insured person's
 * dependants still qualified on `lostOn` lose on the same day with reason 99 その他 (a dependant exists only
 * through the insured person, 健保法3条7項; decision 0081). The person record and its card links are untouched, so
 * a job change continues with 資格取得 at the new insurer.
 */
export async function recordLoss(
  deps: InsurerDeps,
  tx: StoreTx,
  principal: InsurerPrincipal,
  memberId: string,
  input: RecordLossInput,
): Promise<RecordLossResult> {
  const q = await memberInTx(tx, memberId);
  const lostOn = requireDate('lostOn', input.lostOn);
  if (q.lostOn !== null) {
    throw new AppError(INSURER_ERRORS.alreadyLost, `lostOn ${q.lostOn}`);
  }
  requireOrder('acquiredOn', q.acquiredOn, 'lostOn', lostOn, true);
  const lost = await tx.qualifications.setLoss(q.id, lostOn, input.lossReason);
  if (lost === null) {
    throw new AppError(INSURER_ERRORS.unknownMember);
  }
  const dependantsLost: string[] = [];
  if (q.relationship === 'insured') {
    for (const d of await tx.qualifications.dependantsOf(q.id)) {
      if (d.lostOn !== null && compareDates(d.lostOn, lostOn) <= 0) {
        continue;
      }
      if (compareDates(d.acquiredOn, lostOn) >= 0) {
        throw new AppError(
          INSURER_ERRORS.datesOutOfOrder,
          `a dependant was acquired on ${d.acquiredOn}, on or after lostOn: remove that dependant first`,
        );
      }
      await tx.qualifications.setLoss(d.id, lostOn, '99');
      dependantsLost.push(d.id);
    }
  }
  await auditAllowed(deps, tx, principal, 'insurer.member.loss', q.personId, `qualification:${q.id}`, {
    lostOn,
    lossReason: input.lossReason,
    dependantsLost: dependantsLost.length,
  });
  return { member: await memberView(tx, lost, today(deps.ctx)), dependantsLost };
}
