import { tokyoDate } from '@onshi/core';
import type { AuditLog } from '../../audit/auditLog.js';
import type { ServerContext } from '../../context.js';
import type { Principal } from '../../http/auth.js';
import { AppError } from '../../http/errors.js';
import { foldInsurerNumber } from '../../store/memberKey.js';
import type { Insurer, IssuedDocument, Qualification, StoreRepositories, StoreTx } from '../../store/types.js';
import { INSURER_ERRORS } from './errors.js';

/** An authenticated insurer principal. */
export type InsurerPrincipal = Extract<Principal, { kind: 'insurer' }>;

/** What every insurer command needs: the context and the audit log. */
export interface InsurerDeps {
  ctx: ServerContext;
  audit: AuditLog;
}

/** Today in Japan, from the injected clock. */
export function today(ctx: ServerContext): string {
  return tokyoDate(ctx.clock.now());
}

/**
 * True when the record's insurer number is the principal's. Credential ids carry 8 digits, so a 6-digit 国保
 * number is compared zero-padded (rules.md §1.1: "pad to 8 with 00").
 */
export function sameInsurer(a: string, b: string): boolean {
  return foldInsurerNumber(a) === foldInsurerNumber(b);
}

/** The principal's insurer record (a 国保 insurer is stored with its 6 digits); a coded 404 when unregistered. */
export async function insurerOf(repos: StoreRepositories, principal: InsurerPrincipal): Promise<Insurer> {
  const direct = await repos.insurers.get(principal.insurerNumber);
  if (direct !== null) {
    return direct;
  }
  if (principal.insurerNumber.startsWith('00')) {
    const kokuho = await repos.insurers.get(principal.insurerNumber.slice(2));
    if (kokuho !== null) {
      return kokuho;
    }
  }
  throw new AppError(INSURER_ERRORS.unknownInsurer);
}

/** The audit actor of an insurer principal. */
export function actorOf(principal: InsurerPrincipal): { actorKind: 'insurer'; actorId: string } {
  return { actorKind: 'insurer', actorId: principal.insurerNumber };
}

/**
 * The member (qualification) `memberId` if it is the principal's own; otherwise refuses with a coded 403 and writes
 * the refusal to the audit log (issue 4: "an attempt on another insurer's member is refused and audited"). Runs
 * outside the write transaction, so the audit row survives the refusal.
 */
export async function requireOwnMember(
  deps: InsurerDeps,
  principal: InsurerPrincipal,
  memberId: string,
  action: string,
): Promise<Qualification> {
  const q = await deps.ctx.store.qualifications.get(memberId);
  if (q === null) {
    throw new AppError(INSURER_ERRORS.unknownMember);
  }
  if (!sameInsurer(q.insurerNumber, principal.insurerNumber)) {
    await deps.audit.append({
      ...actorOf(principal),
      action,
      personId: q.personId,
      target: `qualification:${q.id}`,
      outcome: 'refused',
      detail: { reason: 'otherInsurersMember', ownerInsurer: q.insurerNumber },
    });
    throw new AppError(INSURER_ERRORS.otherInsurersMember);
  }
  return q;
}

/** Like `requireOwnMember`, for an issued document. */
export async function requireOwnDocument(
  deps: InsurerDeps,
  principal: InsurerPrincipal,
  documentId: string,
  action: string,
): Promise<IssuedDocument> {
  const doc = await deps.ctx.store.documents.get(documentId);
  if (doc === null) {
    throw new AppError(INSURER_ERRORS.unknownDocument);
  }
  if (!sameInsurer(doc.insurerNumber, principal.insurerNumber)) {
    await deps.audit.append({
      ...actorOf(principal),
      action,
      personId: doc.personId,
      target: `document:${doc.id}`,
      outcome: 'refused',
      detail: { reason: 'otherInsurersMember', ownerInsurer: doc.insurerNumber },
    });
    throw new AppError(INSURER_ERRORS.otherInsurersMember);
  }
  return doc;
}

/** Re-reads a member inside a write transaction (it may have changed since the access check). */
export async function memberInTx(tx: StoreTx, memberId: string): Promise<Qualification> {
  const q = await tx.qualifications.get(memberId);
  if (q === null) {
    throw new AppError(INSURER_ERRORS.unknownMember);
  }
  return q;
}

/** Records an allowed insurer action in the same transaction as the change. */
export async function auditAllowed(
  deps: InsurerDeps,
  tx: StoreTx,
  principal: InsurerPrincipal,
  action: string,
  personId: string | null,
  target: string,
  detail: Record<string, string | number | boolean | null> = {},
): Promise<void> {
  await deps.audit.appendInTx(tx, { ...actorOf(principal), action, personId, target, outcome: 'allowed', detail });
}
