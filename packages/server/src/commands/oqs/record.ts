import { randomUUID } from 'node:crypto';
import { tokyoDate } from '@onshi/core';
import { AuditLog, type AuditEntry, type CompanionWriter } from '../../audit/auditLog.js';
import {
  CheckNotJournaledError,
  type Authentication,
  type Confirmation,
  type ConfirmationMethod,
  type Store,
  type UnchainedAuditEntry,
} from '../../store/types.js';
import type { OqsDeps } from './deps.js';
import { signProofOfCheck } from './proofOfCheck.js';

interface Pending {
  confirmation: Confirmation;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * A UUID version 7 (RFC 9562 §5.7: 48-bit Unix milliseconds, then random bits) from the injected clock. Ids that
 * grow with time land at the end of the confirmations primary-key index instead of on a random page, so a group
 * commit writes fewer pages (decision 0133); the id stays opaque and unguessable (74 random bits of a v4 UUID).
 */
export function timeOrderedId(now: Date): string {
  // randomUUID draws from a cached entropy pool (randomBytes per call costs a synchronous job): keep its random
  // digits, put the time in front and the version digit 7 where the v4 one was.
  const random = randomUUID();
  const time = Math.max(0, Math.min(now.getTime(), 2 ** 48 - 1))
    .toString(16)
    .padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(15)}`;
}

/** Confirmation rows written in the audit log's group commit, beside the audit rows describing them. */
const CONFIRMATION_ROWS: CompanionWriter<Confirmation> = {
  write: (tx, items) => tx.confirmations.insertMany(items),
};

/**
 * Group commit of confirmation rows for an audit sink other than the app's AuditLog (a test double, another
 * writer): rows arriving within one turn of the event loop share one transaction (one
 * multi-row insert), and each caller resolves only after it committed — durable before the answer, without one
 * commit per request on the hot path (issue 6 bench note; same pattern as the audit log).
 */
class ConfirmationBatcher {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;

  constructor(private readonly store: Store) {}

  record(confirmation: Confirmation): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ confirmation, resolve, reject });
      if (this.flushing === null) {
        this.flushing = new Promise<void>((done) => setImmediate(done)).then(() => this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 500);
      try {
        await this.store.transaction((tx) => tx.confirmations.insertMany(batch.map((p) => p.confirmation)));
        for (const p of batch) {
          p.resolve();
        }
      } catch (error) {
        for (const p of batch) {
          p.reject(error);
        }
      }
    }
    this.flushing = null;
  }
}

const batchers = new WeakMap<Store, ConfirmationBatcher>();

function batcherOf(store: Store): ConfirmationBatcher {
  let batcher = batchers.get(store);
  if (batcher === undefined) {
    batcher = new ConfirmationBatcher(store);
    batchers.set(store, batcher);
  }
  return batcher;
}

/** What is recorded about one check, besides the confirmation row. */
export interface CheckRecord {
  institutionCode: string;
  personId: string | null;
  qualificationId: string | null;
  insurerNumber: string | null;
  method: ConfirmationMethod;
  authentication: Authentication | null;
  /** 資格有効性 1–5, or null when refused before a lookup. */
  qualificationValidity: number | null;
  /** 'ok', a notice code, or the refusal code. */
  resultCode: string;
  referenceNumber: string | null;
  /** Audit action; default `oqs.confirm.<method>`. */
  action?: string;
  /** Extra audit detail: consent items recorded, readerId, disasterMode … (never personal data). */
  detail?: Record<string, string | number | boolean | null>;
}

/** What a check's outcome decides; the rest of the record (`CheckBase`) comes from where and how it was asked. */
export type CheckOutcomeFields = Pick<
  CheckRecord,
  'personId' | 'qualificationId' | 'insurerNumber' | 'qualificationValidity' | 'resultCode'
> &
  Partial<Pick<CheckRecord, 'referenceNumber' | 'detail'>>;

/** Where and how a check was asked: institution, method, authentication, and the detail every outcome carries. */
export type CheckBase = Omit<CheckRecord, keyof CheckOutcomeFields | 'action'> &
  Pick<CheckRecord, 'referenceNumber' | 'detail'>;

/**
 * A check's record from its base and outcome, field by field: on Node 20 every property an object literal adds
 * after a spread costs ≈ 0.5 µs, and a confirmation built several such objects (decision 0176).
 */
export function checkOf(base: CheckBase, fields: CheckOutcomeFields): CheckRecord {
  return {
    institutionCode: base.institutionCode,
    personId: fields.personId,
    qualificationId: fields.qualificationId,
    insurerNumber: fields.insurerNumber,
    method: base.method,
    authentication: base.authentication,
    qualificationValidity: fields.qualificationValidity,
    resultCode: fields.resultCode,
    referenceNumber: fields.referenceNumber ?? base.referenceNumber,
    detail: fields.detail ?? base.detail,
  };
}

/** The recorded check: its id, time and, when it succeeded, the signed proof of check. */
export interface RecordedCheck {
  confirmationId: string;
  at: string;
  proofOfCheck: string | null;
}

/**
 * Records one check: the confirmation row (statistics, portal history) and the hash-chained audit row (who, what,
 * when, which institution, on what consent), in one group commit when the sink is the app's AuditLog (decision
 * 0132); resolves once both are durable. A check that found a valid qualification gets a proof of check signed
 * with the server's proof key.
 */
export async function recordCheck(deps: OqsDeps, check: CheckRecord, succeeded: boolean): Promise<RecordedCheck> {
  const now = deps.ctx.clock.now();
  const at = now.toISOString();
  const confirmationId = timeOrderedId(now);
  const confirmation: Confirmation = {
    id: confirmationId,
    at,
    confirmedOn: tokyoDate(now),
    institutionCode: check.institutionCode,
    personId: check.personId,
    qualificationId: check.qualificationId,
    insurerNumber: check.insurerNumber,
    method: check.method,
    authentication: check.authentication,
    qualificationValidity: check.qualificationValidity,
    resultCode: check.resultCode,
    referenceNumber: check.referenceNumber,
  };
  const entry = auditEntryOf(check, confirmationId, at, succeeded);
  if (deps.audit instanceof AuditLog) {
    if (!(await journaled(deps.ctx.store, confirmation, entry))) {
      await deps.audit.appendWith(entry, CONFIRMATION_ROWS, confirmation);
    }
  } else {
    await Promise.all([batcherOf(deps.ctx.store).record(confirmation), deps.audit.append(entry)]);
  }
  const proofOfCheck =
    succeeded && check.personId !== null && check.qualificationId !== null
      ? signProofOfCheck(deps.ctx.secrets.proofKey, {
          c: confirmationId,
          i: check.institutionCode,
          p: check.personId,
          q: check.qualificationId,
          t: at,
          m: check.method,
        })
      : null;
  return { confirmationId, at, proofOfCheck };
}

/**
 * Whether a SQLite file's check journal took the check, off the app's connection (decision 0168); false when the
 * store has none, its threads do not run, or it certainly wrote nothing (then the group commit records the check).
 */
async function journaled(store: Store, confirmation: Confirmation, entry: UnchainedAuditEntry): Promise<boolean> {
  const taken = store.checkJournal?.record(confirmation, entry);
  if (taken === undefined || taken === null) {
    return false;
  }
  try {
    await taken;
    return true;
  } catch (error) {
    if (error instanceof CheckNotJournaledError) {
      return false;
    }
    throw error;
  }
}

function auditEntryOf(
  check: CheckRecord,
  confirmationId: string,
  at: string,
  succeeded: boolean,
): AuditEntry & { at: string } {
  return {
    at,
    actorKind: 'institution',
    actorId: check.institutionCode,
    action: check.action ?? `oqs.confirm.${check.method}`,
    personId: check.personId,
    target: confirmationId,
    outcome: succeeded ? 'allowed' : 'refused',
    detail: {
      method: check.method,
      authentication: check.authentication,
      qualificationId: check.qualificationId,
      qualificationValidity: check.qualificationValidity,
      resultCode: check.resultCode,
      ...check.detail,
    },
  };
}
