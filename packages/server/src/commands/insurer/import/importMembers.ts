/**
 * Bulk 資格取得 from a member CSV (`onshi import members`): one streaming pass inside ONE Store transaction. The
 * reading half (preparedRows.ts) parses the file, gives each row the pure checks (memberRow.ts), computes its member
 * keys and builds its Store rows — on a worker thread for large files (decision 0151). This half takes the rows in
 * chunks (2,000 by default): the chunk's Store lookups run as one query each — member keys (duplicates, dependants'
 * insured person), My Number hashes (a person on record), and for the numbers found their persons and
 * qualifications — and the chunk's good rows are written with multi-row inserts (decision 0135). Every bad row
 * goes to the reject report, in file order. At the end the transaction commits only when there was no reject —
 * otherwise it rolls back, so the import is all-or-nothing, and a crash or `kill -9` midway leaves the database as
 * it was (decision 0085).
 * Memory stays bounded: the Store itself answers "seen before?" for earlier chunks (they are written in this
 * transaction), so only a few chunks are held, plus one small tuple per dependant whose insured person comes
 * later in the file: such a dependant is written at once and attached to its insured person at the end (0136).
 * The transaction is a bulk load that keeps its indexes (rollback journal, large cache, no savepoints: 0150).
 */
import { stat } from 'node:fs/promises';
import { compareDates, validateInsurerNumber } from '@onshi/core';
import type { ServerContext } from '../../../context.js';
import type { BulkValue, IndividualNumberLink, Person, Qualification, StoreTx } from '../../../store/types.js';
import { AuditLog } from '../../../audit/auditLog.js';
import { qualifiedOn } from '../../../store/asOf.js';
import { detectEncoding, type CsvEncoding, type EncodingChoice } from './encoding.js';
import type { ImportInsurer } from './memberRow.js';
import {
  ATTRIBUTE_PERSON_ID,
  ImportIds,
  preparedChunks,
  QUALIFICATION_INSURED_ID,
  QUALIFICATION_PERSON_ID,
  workerChunks,
  type PreparedChunk,
  type PreparedEntry,
  type PreparedRow,
} from './preparedRows.js';
import { IMPORT_REJECTS, reject, RejectReport, type Reject } from './rejects.js';

/** Files from this size on are read on a worker thread; for smaller ones starting the thread costs more (0151). */
const WORKER_MIN_BYTES = 4 * 1024 * 1024;

/** Options of `importMembers`. */
export interface ImportMembersOptions {
  /** 保険者番号 the file belongs to (8 digits, 国保 6). */
  insurerNumber: string;
  file: string;
  encoding?: EncodingChoice;
  /** Where the reject report goes (default `<file>.rejects.csv`). */
  rejectsPath?: string;
  /** Rows per chunk: checked, looked up and inserted together (default 2,000). */
  batchSize?: number;
  /** Called every few thousand rows and at the end with bytes read so far of `totalBytes`. */
  onProgress?: (progress: { bytes: number; totalBytes: number; rows: number; rejects: number }) => void;
  /** Rows between two progress calls (default 5,000). */
  progressEveryRows?: number;
  /** The audit log to write the import's entry with (default: a new one on the context's store, as the CLI runs). */
  audit?: AuditLog;
  /** Read and check the rows on a worker thread (default: for files of 4 MiB or more; decision 0151). */
  worker?: boolean;
}

/** What an import did. `committed` false means nothing was written and the report lists why. */
export interface ImportMembersResult {
  committed: boolean;
  encoding: CsvEncoding;
  /** Data rows read (the header not counted). */
  rows: number;
  persons: number;
  qualifications: number;
  rejects: number;
  rejectsPath: string | null;
}

/** A failure before any row could be judged (unknown insurer, unreadable file): a code and both messages. */
export class ImportError extends Error {
  constructor(
    readonly code: string,
    readonly messageJa: string,
    messageEn: string,
  ) {
    super(messageEn);
    this.name = 'ImportError';
  }
}

/** Thrown inside the transaction to roll it back when any row was refused. */
class RejectedRows extends Error {}

/** An earlier qualification under a member key: on record (earlier chunks included) or accepted in this chunk. */
interface Holder {
  qualificationId: string;
  relationship: Qualification['relationship'];
  acquiredOn: string;
  lostOn: string | null;
}

/** A dependant written before its insured person was met, attached at the end (decision 0136): a few strings. */
interface Unattached {
  qualificationId: string;
  insuredKey: string;
  acquiredOn: string;
  row: number;
}

function periodsOverlap(a: { from: string; to: string | null }, b: { from: string; to: string | null }): boolean {
  const aEndsFirst = a.to !== null && compareDates(a.to, b.from) <= 0;
  const bEndsFirst = b.to !== null && compareDates(b.to, a.from) <= 0;
  return !aEndsFirst && !bEndsFirst;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, [item]);
    } else {
      group.push(item);
    }
  }
  return groups;
}

/** The writer of one chunk: the prepared Store rows of the accepted members, written with multi-row inserts. */
class ChunkWriter {
  private persons: BulkValue[][] = [];
  private links: IndividualNumberLink[] = [];
  private qualifications: BulkValue[][] = [];
  private attributes: BulkValue[][] = [];
  personsWritten = 0;
  qualificationsWritten = 0;

  constructor(
    private readonly tx: StoreTx,
    private readonly insurerNumber: string,
  ) {}

  /** Adds one member, on an existing person when `person.isNew` is false. */
  add(
    row: PreparedRow,
    person: { id: string; isNew: boolean },
    insuredQualificationId: string | null,
    numberHash: string | null,
  ): void {
    if (person.isNew) {
      this.persons.push(row.person);
      if (row.individualNumber !== null && numberHash !== null) {
        this.links.push({
          personId: person.id,
          individualNumberHash: numberHash,
          individualNumberLast4: row.individualNumber.slice(8),
          linkedOn: row.acquiredOn,
          linkedBy: this.insurerNumber,
        });
      }
    } else {
      row.qualification[QUALIFICATION_PERSON_ID] = person.id;
      for (const a of row.attributes) {
        a[ATTRIBUTE_PERSON_ID] = person.id;
      }
    }
    row.qualification[QUALIFICATION_INSURED_ID] = insuredQualificationId;
    this.qualifications.push(row.qualification);
    for (const a of row.attributes) {
      this.attributes.push(a);
    }
  }

  async flush(): Promise<void> {
    if (this.qualifications.length === 0) {
      return;
    }
    await this.tx.bulkRows.insert({
      persons: this.persons,
      links: [],
      qualifications: this.qualifications,
      attributes: this.attributes,
      cards: [],
      registrations: [],
      dvFlags: [],
      documents: [],
    });
    // The links carry the hash already computed for the lookups (bulk rows would hash the number again).
    await this.tx.individualNumbers.insertLinks(this.links);
    this.personsWritten += this.persons.length;
    this.qualificationsWritten += this.qualifications.length;
    this.persons = [];
    this.links = [];
    this.qualifications = [];
    this.attributes = [];
  }
}

/**
 * Imports a member CSV for one insurer, all-or-nothing (module comment). Throws `ImportError` when the import
 * cannot start; otherwise resolves with what happened — `committed` false with a reject report when any row was bad.
 */
export async function importMembers(ctx: ServerContext, options: ImportMembersOptions): Promise<ImportMembersResult> {
  const insurerVerdict = validateInsurerNumber(options.insurerNumber);
  if (!insurerVerdict.ok || insurerVerdict.normalized === undefined) {
    throw new ImportError(insurerVerdict.code, insurerVerdict.message.ja, insurerVerdict.message.en);
  }
  const stored = await ctx.store.insurers.get(insurerVerdict.normalized);
  if (stored === null) {
    throw new ImportError(
      'IMPORT_UNKNOWN_INSURER',
      'この保険者番号の保険者は登録されていません。',
      'No insurer with this number is on record.',
    );
  }
  const insurer: ImportInsurer = { insurerNumber: stored.insurerNumber, scheme: stored.scheme };
  const totalBytes = await stat(options.file).then(
    (s) => s.size,
    () => {
      throw new ImportError('IMPORT_FILE', 'ファイルを開けません。', `Cannot open ${options.file}.`);
    },
  );
  const encoding = await detectEncoding(options.file, options.encoding ?? 'auto');
  const report = new RejectReport(options.rejectsPath ?? `${options.file}.rejects.csv`);
  const chunkSize = Math.max(1, options.batchSize ?? 2000);
  const progressEvery = Math.max(1, options.progressEveryRows ?? 5000);
  const recordedAt = ctx.clock.now().toISOString();
  const insurerNumber = insurer.insurerNumber;
  const onWorker = options.worker ?? totalBytes >= WORKER_MIN_BYTES;
  let rows = 0;
  let bytes = 0;
  let persons = 0;
  let qualifications = 0;
  const progress = (): void => options.onProgress?.({ bytes, totalBytes, rows, rejects: report.size });
  const refuse = async (rs: readonly Reject[]): Promise<void> => {
    for (const r of rs) {
      await report.add(r);
    }
  };

  try {
    await ctx.store.bulkLoad(
      async (tx) => {
        // Records created by this import share an id prefix, so a My Number met again is known to be a repeat.
        const ids = new ImportIds();
        const writer = new ChunkWriter(tx, insurerNumber);
        const unattached: Unattached[] = [];

        /**
         * Duplicate, existing-person, overlap and insured-person checks of one chunk against the Store (which holds
         * every earlier chunk) and the chunk's earlier rows; rejects in row order; the good rows are written.
         */
        const writeChunk = async (entries: readonly PreparedEntry[]): Promise<void> => {
          const lookupKeys: string[] = [];
          const hashes: string[] = [];
          const hashOf = new Map<PreparedRow, string>();
          for (const e of entries) {
            if ('rejects' in e) {
              continue;
            }
            lookupKeys.push(e.key);
            if (e.insuredKey !== null) {
              lookupKeys.push(e.insuredKey);
            }
            if (e.individualNumber !== null) {
              const h = tx.individualNumbers.hash(e.individualNumber);
              hashOf.set(e, h);
              hashes.push(h);
            }
          }
          const onRecord = new Map<string, Holder[]>();
          for (const q of lookupKeys.length > 0 ? await tx.qualifications.findByMemberKeys(lookupKeys) : []) {
            const holder: Holder = {
              qualificationId: q.id,
              relationship: q.relationship,
              acquiredOn: q.acquiredOn,
              lostOn: q.lostOn,
            };
            const list = onRecord.get(q.memberKey);
            if (list === undefined) {
              onRecord.set(q.memberKey, [holder]);
            } else {
              list.push(holder);
            }
          }
          const linked = new Map(
            (hashes.length > 0 ? await tx.individualNumbers.findByHashes(hashes) : []).map((l) => [
              l.individualNumberHash,
              l,
            ]),
          );
          let personsOnRecord = new Map<string, Person>();
          let heldOnRecord = new Map<string, Qualification[]>();
          if (linked.size > 0) {
            const personIds = [...new Set([...linked.values()].map((l) => l.personId))];
            personsOnRecord = new Map((await tx.persons.getMany(personIds)).map((p) => [p.id, p]));
            heldOnRecord = groupBy(await tx.qualifications.findByPersons(personIds), (q) => q.personId);
          }
          const accepted = new Map<string, Holder[]>();
          const numbersInChunk = new Set<string>();
          const holders = (key: string): Holder[] => [...(accepted.get(key) ?? []), ...(onRecord.get(key) ?? [])];

          for (const entry of entries) {
            rows += 1;
            if (rows % progressEvery === 0) {
              progress();
            }
            if ('rejects' in entry) {
              await refuse(entry.rejects);
              continue;
            }
            const row = entry;
            const numberHash = hashOf.get(row) ?? null;
            const rejects: Reject[] = [];
            const contested = (other: Holder): boolean =>
              row.branched || (row.relationship === 'insured' && other.relationship === 'insured');
            if (
              holders(row.key).some(
                (h) =>
                  contested(h) &&
                  periodsOverlap({ from: row.acquiredOn, to: null }, { from: h.acquiredOn, to: h.lostOn }),
              )
            ) {
              rejects.push(reject(row.row, '番号', 'IMPORT_DUPLICATE_MEMBER'));
            }
            let personId = row.personId;
            let isNew = true;
            if (numberHash !== null) {
              const link = linked.get(numberHash);
              if (numbersInChunk.has(numberHash)) {
                rejects.push(reject(row.row, '個人番号', 'IMPORT_DUPLICATE_INDIVIDUAL_NUMBER'));
              } else if (link !== undefined) {
                const person = personsOnRecord.get(link.personId);
                if (person === undefined || person.birthDate !== row.birthDate) {
                  rejects.push(reject(row.row, '個人番号', 'IMPORT_INDIVIDUAL_NUMBER_OTHER_PERSON'));
                } else {
                  // Linked by an earlier chunk of this file: the same number twice; else a person on record (job change).
                  if (ids.madeHere(person.id)) {
                    rejects.push(reject(row.row, '個人番号', 'IMPORT_DUPLICATE_INDIVIDUAL_NUMBER'));
                  } else if (
                    (heldOnRecord.get(person.id) ?? []).some((q) =>
                      periodsOverlap({ from: row.acquiredOn, to: null }, { from: q.acquiredOn, to: q.lostOn }),
                    )
                  ) {
                    rejects.push(reject(row.row, '資格取得日', 'IMPORT_OVERLAPPING_QUALIFICATION'));
                  }
                  personId = person.id;
                  isNew = false;
                }
              }
            }
            if (rejects.length > 0) {
              await refuse(rejects);
              continue;
            }
            // The insured person a dependant hangs on: an earlier row or a record, qualified on the acquired date.
            const insured =
              row.insuredKey === null
                ? null
                : (holders(row.insuredKey).find(
                    (h) => h.relationship === 'insured' && qualifiedOn(h, row.acquiredOn),
                  ) ?? null);
            writer.add(row, { id: personId, isNew }, insured?.qualificationId ?? null, numberHash);
            if (row.insuredKey !== null && insured === null) {
              unattached.push({
                qualificationId: row.qualificationId,
                insuredKey: row.insuredKey,
                acquiredOn: row.acquiredOn,
                row: row.row,
              });
            }
            const holder: Holder = {
              qualificationId: row.qualificationId,
              relationship: row.relationship,
              acquiredOn: row.acquiredOn,
              lostOn: null,
            };
            const list = accepted.get(row.key);
            if (list === undefined) {
              accepted.set(row.key, [holder]);
            } else {
              list.push(holder);
            }
            if (numberHash !== null) {
              numbersInChunk.add(numberHash);
            }
          }
          await writer.flush();
        };

        /** Dependants that named an insured person further down the file: attached now, or refused. */
        const attachLate = async (): Promise<void> => {
          for (let start = 0; start < unattached.length; start += chunkSize) {
            const part = unattached.slice(start, start + chunkSize);
            const onRecord = groupBy(
              await tx.qualifications.findByMemberKeys(part.map((u) => u.insuredKey)),
              (q) => q.memberKey,
            );
            const links: { id: string; insuredQualificationId: string }[] = [];
            for (const u of part) {
              const insured = (onRecord.get(u.insuredKey) ?? []).find(
                (q) => q.relationship === 'insured' && qualifiedOn(q, u.acquiredOn),
              );
              if (insured === undefined) {
                await report.add(reject(u.row, '本人番号', 'IMPORT_DEPENDANT_WITHOUT_INSURED'));
              } else {
                links.push({ id: u.qualificationId, insuredQualificationId: insured.id });
              }
            }
            if (report.size === 0) {
              await tx.qualifications.linkInsured(links);
            }
          }
        };

        const prepare = { file: options.file, encoding, insurer, chunkSize, idBase: ids.base, recordedAt };
        const chunks: AsyncIterable<PreparedChunk> = onWorker ? workerChunks(prepare) : preparedChunks(prepare);
        let end: PreparedChunk['end'] = null;
        for await (const chunk of chunks) {
          bytes = chunk.bytes;
          await refuse(chunk.headerRejects);
          await writeChunk(chunk.entries);
          end = chunk.end;
        }
        const syntaxErrorAt = end?.syntaxErrorAt ?? null;
        if (syntaxErrorAt !== null) {
          await report.add(reject(syntaxErrorAt, '', 'IMPORT_CSV_SYNTAX'));
        }
        if (end?.headerSeen !== true && report.size === 0) {
          await report.add(reject(1, '', 'IMPORT_EMPTY_FILE'));
        }
        await attachLate();
        progress();
        if (report.size > 0) {
          throw new RejectedRows();
        }
        persons = writer.personsWritten;
        qualifications = writer.qualificationsWritten;
        await (options.audit ?? new AuditLog(ctx.store, ctx.clock)).appendInTx(tx, {
          actorKind: 'insurer',
          actorId: insurerNumber,
          action: 'insurer.members.import',
          personId: null,
          target: `insurer:${insurerNumber}`,
          outcome: 'allowed',
          detail: { rows, persons, qualifications, encoding },
        });
      },
      { keepIndexes: true },
    );
  } catch (error) {
    if (!(error instanceof RejectedRows)) {
      await report.close();
      throw error;
    }
  }
  await report.close();
  const committed = report.size === 0;
  return {
    committed,
    encoding,
    rows,
    persons: committed ? persons : 0,
    qualifications: committed ? qualifications : 0,
    rejects: report.size,
    rejectsPath: committed ? null : report.path,
  };
}

export { IMPORT_REJECTS };
