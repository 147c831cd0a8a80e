import { validateInsurerNumber } from '@onshi/core';
import type { Authenticator } from '../../http/authenticate.js';
import { type IssuedCredential, hashSecret, issueCredential } from '../../http/auth.js';
import { AppError } from '../../http/errors.js';
import type { AuditLog } from '../../audit/auditLog.js';
import type { ServerContext } from '../../context.js';
import { foldInsurerNumber } from '../../store/memberKey.js';
import type { Insurer, StoreTx } from '../../store/types.js';
import { INSURER_ERRORS } from './errors.js';

/** An insurer to register. */
export interface CreateInsurerInput {
  insurerNumber: string;
  name: string;
  prefecture?: string;
  branch?: string | null;
}

/** The insurer and its credential: the token is shown once and stored only as a hash. */
export interface CreatedInsurer {
  insurer: Insurer;
  credential: { id: string; token: string };
}

/**
 * Registers (or updates) an insurer and issues it a fresh credential, replacing any earlier one (key rotation).
 * The number is checked with its check digit and its 法別番号 decides the 制度 (core `validateInsurerNumber`,
 * rules.md §1.1). Used by the authority console, the seed and tests.
 */
export async function createInsurer(
  ctx: ServerContext,
  auth: Authenticator,
  audit: AuditLog,
  tx: StoreTx,
  input: CreateInsurerInput,
  random?: (n: number) => Buffer,
): Promise<CreatedInsurer> {
  const v = validateInsurerNumber(input.insurerNumber);
  if (!v.ok || v.scheme === undefined || v.normalized === undefined) {
    throw new AppError(INSURER_ERRORS.badInsurerNumber, `${v.code}: ${v.message.en}`);
  }
  const padded = foldInsurerNumber(v.normalized);
  const prefecture =
    input.prefecture ?? (v.normalized.length === 6 ? v.normalized.slice(0, 2) : v.normalized.slice(2, 4));
  const insurer = await tx.insurers.upsert({
    insurerNumber: v.normalized,
    name: input.name,
    scheme: v.scheme,
    prefecture,
    branch: input.branch ?? null,
  });
  const issued: IssuedCredential = issueCredential({ kind: 'insurer', insurerNumber: padded }, random);
  await tx.credentials.put({
    id: issued.id,
    subjectKind: 'insurer',
    subjectId: v.normalized,
    secretHash: hashSecret(issued.secret),
    label: input.name,
    createdAt: ctx.clock.now().toISOString(),
  });
  auth.forget(issued.id);
  await audit.appendInTx(tx, {
    actorKind: 'authority',
    actorId: 'authority',
    action: 'insurer.create',
    personId: null,
    target: `insurer:${v.normalized}`,
    outcome: 'allowed',
    detail: { scheme: insurer.scheme, credentialId: issued.id },
  });
  return { insurer, credential: { id: issued.id, token: issued.token } };
}
