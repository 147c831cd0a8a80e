import { DEFAULT_ENABLED_CONSENT_ITEMS, CONSENT_ITEMS, validateInstitutionCode } from '@onshi/core';
import type { AuditLog } from '../../audit/auditLog.js';
import type { ServerContext } from '../../context.js';
import { hashSecret, issueCredential, type IssuedCredential } from '../../http/auth.js';
import { OqsError } from '../../formats/errors.js';
import { AppError } from '../../http/errors.js';
import type { ConsentItem, Institution, InstitutionKind, ReaderStatus, StoreRepositories } from '../../store/types.js';
import { OQS_ADMIN_ERRORS } from './errors.js';

/** Input of the 医療機関・薬局 registry (authority only). */
export interface RegisterInstitutionInput {
  institutionCode: string;
  name: string;
  kind: InstitutionKind;
  address: string;
  /** Default: 診療・お薬 and 健診 (rules.md §6.2 [S33d]). */
  consentItemsEnabled?: ConsentItem[];
  /** Default true. */
  oqsEnabled?: boolean;
  /** A generic NFC reader for スマホ保険証 (rules.md §4 [S26]); default false. */
  smartphoneReader?: boolean;
}

/** Which kinds a 点数表 digit allows: 1 医科 → hospital/clinic, 3 歯科 → dental, 4 調剤 → pharmacy. */
const KINDS_BY_TABLE = {
  medical: ['hospital', 'clinic'],
  dental: ['dental'],
  pharmacy: ['pharmacy'],
} as const satisfies Record<string, readonly InstitutionKind[]>;

/** Consent items in screen order, without duplicates. */
function orderedItems(items: readonly ConsentItem[]): ConsentItem[] {
  return CONSENT_ITEMS.filter((item) => items.includes(item));
}

/**
 * Registers (or updates) a 医療機関・薬局 after checking its 医療機関コード with the core rule (prefecture, 点数表,
 * check digit) and that its kind fits the 点数表 digit. The prefecture comes from the code. Reader status of an
 * existing institution is kept.
 */
export async function registerInstitution(
  deps: { ctx: ServerContext; audit: AuditLog },
  input: RegisterInstitutionInput,
): Promise<Institution> {
  const check = validateInstitutionCode(input.institutionCode);
  if (!check.ok || check.prefecture === undefined || check.table === undefined) {
    throw new AppError(OQS_ADMIN_ERRORS.badInstitutionCode, check.code);
  }
  const allowed: readonly InstitutionKind[] = KINDS_BY_TABLE[check.table];
  if (!allowed.includes(input.kind)) {
    throw new AppError(OQS_ADMIN_ERRORS.kindMismatch, `${check.table} code, kind ${input.kind}`);
  }
  forgetInstitution(deps.ctx, input.institutionCode);
  const registered = await deps.ctx.store.transaction(async (tx) => {
    const existing = await tx.institutions.get(input.institutionCode);
    const institution = await tx.institutions.upsert({
      institutionCode: input.institutionCode,
      name: input.name,
      kind: input.kind,
      prefecture: check.prefecture ?? input.institutionCode.slice(0, 2),
      address: input.address,
      oqsEnabled: input.oqsEnabled ?? true,
      readerStatus: existing?.readerStatus ?? 'working',
      consentItemsEnabled: orderedItems(input.consentItemsEnabled ?? DEFAULT_ENABLED_CONSENT_ITEMS),
      smartphoneReader: input.smartphoneReader ?? false,
    });
    await deps.audit.appendInTx(tx, {
      actorKind: 'authority',
      actorId: 'authority',
      action: existing === null ? 'oqs.institution.register' : 'oqs.institution.update',
      personId: null,
      target: input.institutionCode,
      outcome: 'allowed',
      detail: { kind: input.kind },
    });
    return institution;
  });
  forgetInstitution(deps.ctx, input.institutionCode);
  return registered;
}

/** The institution, or a coded 404. */
export async function requireInstitution(repos: StoreRepositories, institutionCode: string): Promise<Institution> {
  const institution = await repos.institutions.get(institutionCode);
  if (institution === null) {
    throw new AppError(OQS_ADMIN_ERRORS.unknownInstitution);
  }
  return institution;
}

/**
 * Issues (or rotates) the institution's API credential: every OQS call is attributed to one institution. The secret
 * is returned once and stored only as its hash.
 */
export async function issueInstitutionCredential(
  deps: { ctx: ServerContext; audit: AuditLog },
  institutionCode: string,
  label: string,
): Promise<IssuedCredential> {
  return deps.ctx.store.transaction(async (tx) => {
    await requireInstitution(tx, institutionCode);
    const credential = issueCredential({ kind: 'institution', institutionCode });
    await tx.credentials.put({
      id: credential.id,
      subjectKind: 'institution',
      subjectId: institutionCode,
      secretHash: hashSecret(credential.secret),
      label,
      createdAt: deps.ctx.clock.now().toISOString(),
    });
    await deps.audit.appendInTx(tx, {
      actorKind: 'authority',
      actorId: 'authority',
      action: 'oqs.institution.credential',
      personId: null,
      target: institutionCode,
      outcome: 'allowed',
      detail: { credentialId: credential.id },
    });
    return credential;
  });
}

/** The clinic switches its own reader to working or out of order (the reader-failure ladder starts from this). */
export async function setReaderStatus(
  deps: { ctx: ServerContext; audit: AuditLog },
  institutionCode: string,
  status: ReaderStatus,
): Promise<Institution> {
  forgetInstitution(deps.ctx, institutionCode);
  const updated = await deps.ctx.store.transaction(async (tx) => {
    await requireInstitution(tx, institutionCode);
    await tx.institutions.setReaderStatus(institutionCode, status);
    await deps.audit.appendInTx(tx, {
      actorKind: 'institution',
      actorId: institutionCode,
      action: 'oqs.reader.status',
      personId: null,
      target: institutionCode,
      outcome: 'allowed',
      detail: { status },
    });
    return requireInstitution(tx, institutionCode);
  });
  forgetInstitution(deps.ctx, institutionCode);
  return updated;
}

/** The clinic chooses which consent items its reader offers (rules.md §6.2: only enabled items are shown). */
export async function setConsentItems(
  deps: { ctx: ServerContext; audit: AuditLog },
  institutionCode: string,
  items: readonly ConsentItem[],
): Promise<Institution> {
  forgetInstitution(deps.ctx, institutionCode);
  const changed = await deps.ctx.store.transaction(async (tx) => {
    const institution = await requireInstitution(tx, institutionCode);
    const updated = await tx.institutions.upsert({ ...institution, consentItemsEnabled: orderedItems(items) });
    await deps.audit.appendInTx(tx, {
      actorKind: 'institution',
      actorId: institutionCode,
      action: 'oqs.institution.consentItems',
      personId: null,
      target: institutionCode,
      outcome: 'allowed',
      detail: { items: orderedItems(items).join(',') },
    });
    return updated;
  });
  forgetInstitution(deps.ctx, institutionCode);
  return changed;
}

/** The kinds an institution code's 点数表 digit allows (for forms and error details). */
export function kindsForCode(institutionCode: string): readonly InstitutionKind[] {
  const check = validateInstitutionCode(institutionCode);
  return check.table === undefined ? [] : KINDS_BY_TABLE[check.table];
}

/** How long a cached institution record is trusted (by the injected clock) before it is read again. */
export const INSTITUTION_TTL_MS = 5_000;
const institutionCache = new WeakMap<StoreRepositories, Map<string, { institution: Institution; until: number }>>();

/** Drops the cached record of an institution (after a change made through these commands). */
function forgetInstitution(ctx: ServerContext, institutionCode: string): void {
  institutionCache.get(ctx.store)?.delete(institutionCode);
}

/**
 * The institution record, cached per store for a few seconds by the injected clock (decision 0145): the card and
 * number hot paths read it on every check. A change through `registerInstitution`, `setReaderStatus` or
 * `setConsentItems` drops the entry at once; a change made elsewhere (another server) is seen within the TTL.
 * An unknown code is not cached, so a newly registered institution is usable immediately.
 */
export function cachedInstitution(
  ctx: ServerContext,
  institutionCode: string,
): Institution | null | Promise<Institution | null> {
  const now = ctx.clock.now().getTime();
  let cache = institutionCache.get(ctx.store);
  if (cache === undefined) {
    cache = new Map();
    institutionCache.set(ctx.store, cache);
  }
  const hit = cache.get(institutionCode);
  if (hit !== undefined && hit.until > now) {
    // Answered at once, without a promise: every confirmation asks (decision 0176).
    return hit.institution;
  }
  return loadInstitution(ctx, cache, institutionCode, now);
}

async function loadInstitution(
  ctx: ServerContext,
  cache: Map<string, { institution: Institution; until: number }>,
  institutionCode: string,
  now: number,
): Promise<Institution | null> {
  const institution = await ctx.store.institutions.get(institutionCode);
  if (institution === null) {
    cache.delete(institutionCode);
  } else {
    cache.set(institutionCode, { institution, until: now + INSTITUTION_TTL_MS });
  }
  return institution;
}

/**
 * Refuses (OQS-E-FORBIDDEN) an institution that is not registered or not enabled for OQS. Read through the
 * institution cache (the by-number hot path must not pay a lookup for it on every request).
 */
export function requireOqsInstitution(ctx: ServerContext, institutionCode: string): Institution | Promise<Institution> {
  const cached = cachedInstitution(ctx, institutionCode);
  return cached instanceof Promise ? cached.then(oqsEnabled) : oqsEnabled(cached);
}

function oqsEnabled(institution: Institution | null): Institution {
  if (institution === null || !institution.oqsEnabled) {
    throw new OqsError('forbidden', 'institution not registered for OQS');
  }
  return institution;
}
