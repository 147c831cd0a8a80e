import { hash } from 'node:crypto';
import type { Clock } from '@onshi/core';
import type { AuditRow, Store, StoreTx } from '../store/types.js';
import { StoreConflictError } from '../store/types.js';

/** Entries that flush a group at once, window or not. */
const FULL_GROUP = 64;

/** What a caller says about an event; the log adds seq, time and the hash chain. */
export type AuditEntry = Omit<AuditRow, 'seq' | 'at' | 'prevHash' | 'hash'> & { at?: string };

/** The entry with its time: as given when it has one, else stamped now. */
function stamped(entry: AuditEntry, clock: Clock): AuditEntry & { at: string } {
  return hasTime(entry) ? entry : Object.assign({}, entry, { at: clock.now().toISOString() });
}

function hasTime(entry: AuditEntry): entry is AuditEntry & { at: string } {
  return entry.at !== undefined;
}

/** The hash before the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The row's hash: SHA-256 over the previous hash and a canonical serialisation of every other field, so a
 * changed, removed or reordered row breaks the chain from that row on (issue 6, "Trust and privacy").
 */
export function auditHash(row: Omit<AuditRow, 'hash'>): string {
  const detail = Object.keys(row.detail)
    .sort()
    .map((k) => [k, row.detail[k] ?? null]);
  const canonical = JSON.stringify([
    row.seq,
    row.at,
    row.actorKind,
    row.actorId,
    row.action,
    row.personId,
    row.target,
    row.outcome,
    detail,
  ]);
  // One-shot hash of the joined text: the same bytes as hashing the parts in turn, without a Hash object per row.
  return hash('sha256', `${row.prevHash}\n${canonical}`, 'hex');
}

/**
 * The rows `entries` become when appended after `last` (the chain's tail, null for an empty log): consecutive seqs,
 * each row linked to and hashed over the one before. Pure: the caller reads the tail and writes the rows in one
 * transaction (the group commit here, the check journal's move, decision 0168).
 */
export function chainAuditRows(
  last: Pick<AuditRow, 'seq' | 'hash'> | null,
  entries: readonly (AuditEntry & { at: string })[],
): AuditRow[] {
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const rows: AuditRow[] = [];
  for (const entry of entries) {
    seq += 1;
    // One object of the row's fixed shape, hashed before its hash is set: two spreads per row cost the journal's
    // move thread more than the SHA-256 itself (3.5 of 6 µs per row).
    const row: AuditRow = {
      seq,
      at: entry.at,
      actorKind: entry.actorKind,
      actorId: entry.actorId,
      action: entry.action,
      personId: entry.personId,
      target: entry.target,
      outcome: entry.outcome,
      detail: entry.detail,
      prevHash,
      hash: '',
    };
    row.hash = auditHash(row);
    rows.push(row);
    prevHash = row.hash;
  }
  return rows;
}

async function appendRows(tx: StoreTx, entries: readonly (AuditEntry & { at: string })[]): Promise<AuditRow[]> {
  const rows = chainAuditRows(await tx.audit.last(), entries);
  // The chain is computed in order above; the rows go in with multi-row INSERTs (decision 0147).
  const [only] = rows;
  if (rows.length === 1 && only !== undefined) {
    await tx.audit.append(only);
  } else {
    await tx.audit.appendMany(rows);
  }
  return rows;
}

/**
 * Rows of another table that commit together with the audit rows describing them (a confirmation and its audit
 * entry): the writer receives, in order, the items of every entry of one group commit, in the same transaction.
 */
export interface CompanionWriter<T> {
  write(tx: StoreTx, items: readonly T[]): Promise<void>;
}

interface Companion {
  writer: CompanionWriter<unknown>;
  item: unknown;
}

interface Pending {
  entry: AuditEntry & { at: string };
  companion: Companion | undefined;
  resolve: (row: AuditRow) => void;
  reject: (error: unknown) => void;
}

/** Writes the companions of a batch, one call per writer with its items in arrival order. */
async function writeCompanions(tx: StoreTx, batch: readonly Pending[]): Promise<void> {
  const byWriter = new Map<CompanionWriter<unknown>, unknown[]>();
  for (const p of batch) {
    if (p.companion !== undefined) {
      const items = byWriter.get(p.companion.writer);
      if (items === undefined) {
        byWriter.set(p.companion.writer, [p.companion.item]);
      } else {
        items.push(p.companion.item);
      }
    }
  }
  for (const [writer, items] of byWriter) {
    await writer.write(tx, items);
  }
}

/**
 * The hash-chained audit log. `appendInTx` writes inside a caller's transaction (the row commits or rolls back
 * with the change it records). `append` group-commits: entries arriving within a few milliseconds share one
 * transaction, and each caller's promise resolves only after that transaction committed — durable before the
 * response, without one commit per request on the hot path. `appendWith` adds another table's row to the same
 * group commit, so a hot path that records a row and its audit entry pays one commit for both (decision 0132).
 */
export class AuditLog {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: {
      maxBatch?: number;
      /**
       * How long the first entry of a group may wait for others (ms; default 0: the next turn of the event loop).
       * At a steady trickle of requests a short window lets several share one COMMIT (decision 0161).
       */
      windowMs?: number;
    } = {},
  ) {}

  /** Appends inside an open transaction. */
  async appendInTx(tx: StoreTx, entry: AuditEntry): Promise<AuditRow> {
    const rows = await appendRows(tx, [stamped(entry, this.clock)]);
    const row = rows[0];
    if (row === undefined) {
      throw new Error('audit append wrote no row');
    }
    return row;
  }

  /** Appends in the next group commit; resolves once committed. */
  append(entry: AuditEntry): Promise<AuditRow> {
    return this.enqueue(entry, undefined);
  }

  /**
   * Appends in the next group commit together with `item`, which `writer` writes in the same transaction (before
   * the audit rows); resolves once both are committed, rejects if either fails (then neither is written).
   */
  appendWith<T>(entry: AuditEntry, writer: CompanionWriter<T>, item: T): Promise<AuditRow> {
    const companion: Companion = { writer, item };
    return this.enqueue(entry, companion);
  }

  private enqueue(entry: AuditEntry, companion: Companion | undefined): Promise<AuditRow> {
    return new Promise<AuditRow>((resolve, reject) => {
      this.queue.push({
        entry: stamped(entry, this.clock),
        companion,
        resolve,
        reject,
      });
      if (this.flushing === null) {
        this.flushing = new Promise<void>((done) => {
          const windowMs = this.options.windowMs ?? 0;
          if (windowMs <= 0) {
            setImmediate(done);
            return;
          }
          this.timer = setTimeout(done, windowMs);
          this.wake = done;
        }).then(() => this.flush());
      } else if (this.wake !== undefined && this.queue.length >= FULL_GROUP) {
        // Enough entries for a full group: no reason to wait out the window.
        clearTimeout(this.timer);
        this.wake();
        this.wake = undefined;
      }
    });
  }

  /** Waits until every queued entry is committed. */
  async drain(): Promise<void> {
    while (this.flushing !== null) {
      await this.flushing;
    }
  }

  private async flush(): Promise<void> {
    this.wake = undefined;
    const max = this.options.maxBatch ?? 500;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, max);
      try {
        const rows = await this.withRetry(() =>
          this.store.transaction(async (tx) => {
            await writeCompanions(tx, batch);
            return appendRows(
              tx,
              batch.map((p) => p.entry),
            );
          }),
        );
        batch.forEach((p, i) => {
          const row = rows[i];
          if (row === undefined) {
            p.reject(new Error('audit batch lost a row'));
          } else {
            p.resolve(row);
          }
        });
      } catch (error) {
        for (const p of batch) {
          p.reject(error);
        }
      }
    }
    this.flushing = null;
  }

  /** A concurrent writer may take the same seq (PostgreSQL): re-read the tail and try again. */
  private async withRetry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (!(error instanceof StoreConflictError) || attempt >= 5) {
          throw error;
        }
      }
    }
  }
}

/** The outcome of checking the chain. */
export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** The first row whose hash, link or sequence is wrong. */
  firstBadSeq: number | null;
  problem: 'hash' | 'link' | 'sequence' | null;
}

/**
 * Walks the whole log in order and recomputes every hash (`onshi audit verify`): a changed row fails its own
 * hash, a removed row leaves a gap in seq and a broken link, a reordering breaks the links.
 */
export async function verifyAuditChain(store: Store, pageSize = 10_000): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let rows = 0;
  for (;;) {
    const page = await store.audit.scan(expectedSeq - 1, pageSize);
    if (page.length === 0) {
      return { ok: true, rows, firstBadSeq: null, problem: null };
    }
    for (const row of page) {
      if (row.seq !== expectedSeq) {
        return { ok: false, rows, firstBadSeq: expectedSeq, problem: 'sequence' };
      }
      if (row.prevHash !== prevHash) {
        return { ok: false, rows, firstBadSeq: row.seq, problem: 'link' };
      }
      const { hash, ...unhashed } = row;
      if (auditHash(unhashed) !== hash) {
        return { ok: false, rows, firstBadSeq: row.seq, problem: 'hash' };
      }
      prevHash = hash;
      expectedSeq += 1;
      rows += 1;
    }
  }
}
