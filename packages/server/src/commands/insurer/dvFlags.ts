import { AppError } from '../../http/errors.js';
import type { DvFlag, StoreTx } from '../../store/types.js';
import { type InsurerDeps, type InsurerPrincipal, auditAllowed, memberInTx } from './access.js';
import { requireDate, requireOrder, requireWithinQualification } from './checks.js';
import { INSURER_ERRORS } from './errors.js';
import type { DvFlagView } from './views.js';

/**
 * Sets 自己情報提供不可 (`selfInfoBlocked`) or 不開示該当 (`nonDisclosure`) for the member's person from `setOn`, on the
 * person's request (rules.md §8 [S35]). The flag belongs to the person, so it follows them through a job change.
 */
export async function setDvFlag(
  deps: InsurerDeps,
  tx: StoreTx,
  principal: InsurerPrincipal,
  memberId: string,
  input: { flag: DvFlag; setOn: string },
): Promise<DvFlagView> {
  const q = await memberInTx(tx, memberId);
  requireDate('setOn', input.setOn);
  requireWithinQualification('setOn', q, input.setOn);
  const open = (await tx.dvFlags.listByPerson(q.personId)).find((f) => f.flag === input.flag && f.clearedOn === null);
  if (open !== undefined) {
    throw new AppError(INSURER_ERRORS.dvFlagAlreadySet, `set on ${open.setOn}`);
  }
  const f = await tx.dvFlags.set({
    personId: q.personId,
    flag: input.flag,
    setOn: input.setOn,
    setBy: principal.insurerNumber,
  });
  await auditAllowed(deps, tx, principal, 'insurer.member.dvFlag.set', q.personId, `qualification:${q.id}`, {
    flag: input.flag,
    setOn: input.setOn,
  });
  return { id: f.id, flag: f.flag, setOn: f.setOn, clearedOn: f.clearedOn, setBy: f.setBy };
}

/** Clears an open DV flag from `clearedOn` (the first day it no longer applies). */
export async function clearDvFlag(
  deps: InsurerDeps,
  tx: StoreTx,
  principal: InsurerPrincipal,
  memberId: string,
  input: { flag: DvFlag; clearedOn: string },
): Promise<DvFlagView> {
  const q = await memberInTx(tx, memberId);
  requireDate('clearedOn', input.clearedOn);
  const open = (await tx.dvFlags.listByPerson(q.personId)).find((f) => f.flag === input.flag && f.clearedOn === null);
  if (open === undefined) {
    throw new AppError(INSURER_ERRORS.dvFlagNotSet);
  }
  requireOrder('setOn', open.setOn, 'clearedOn', input.clearedOn, true);
  await tx.dvFlags.clear(q.personId, input.flag, input.clearedOn);
  await auditAllowed(deps, tx, principal, 'insurer.member.dvFlag.clear', q.personId, `qualification:${q.id}`, {
    flag: input.flag,
    clearedOn: input.clearedOn,
  });
  return { id: open.id, flag: open.flag, setOn: open.setOn, clearedOn: input.clearedOn, setBy: open.setBy };
}
