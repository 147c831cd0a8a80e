/**
 * Bulk 資格取得 from a member CSV (`onshi import members`): one streaming pass inside ONE Store transaction. Rows
 * are read in chunks (2,000 by default): each row gets the pure checks (memberRow.ts); then the chunk's Store
 * lookups run as one query each — member keys (duplicates, dependants' insured person), My Number hashes (a person
 * on record), and for the numbers found their persons and qualifications — and the chunk's good rows are written
 * with multi-row inserts (decision 0135). Every bad row goes to the reject report, in file order. At the end the
 * transaction commits only when there was no reject — otherwise it rolls back, so the import is all-or-nothing,
 * and a crash or `kill -9` midway leaves the database as it was (decision 0085).
 * Memory stays bounded: the Store itself answers "seen before?" for earlier chunks (they are written in this
 * transaction), so only the current chunk is held, plus one small tuple per dependant whose insured person comes
 * later in the file: such a dependant is written at once and attached to its insured person at the end (0136).
 * The transaction is a bulk load that keeps its indexes (rollback journal, large cache, no savepoints: 0150).
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { compareDates, validateInsurerNumber } from '@onshi/core';
import type { ServerContext } from '../../../context.js';
import { memberKey } from '../../../store/memberKey.js';
import type {
  IndividualNumberLink,
  Person,
  Qualification,
  QualificationAttribute,
  StoreTx,
} from '../../../store/types.js';
import { AuditLog } from '../../../audit/auditLog.js';
import { decoderFor, detectEncoding, type CsvEncoding, type EncodingChoice } from './encoding.js';
import { checkMemberRow, readHeader, type ImportInsurer, type MemberColumnKey, type MemberRow } from './memberRow.js';
import { IMPORT_REJECTS, reject, RejectReport, type Reject } from './rejects.js';

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

/**
 * Ids of one import's records: a random UUID whose last 48 bits count up. Still unique (74 random bits per import),
 * but in insertion order, so every primary-key and id index grows at its right edge instead of at random pages —
 * cache hits instead of misses once the tables outgrow SQLite's page cache (decision 0137).
 */
class ImportIds {
  private readonly base = randomUUID().slice(0, 24);
  private seq = 0;

  next(): string {
    this.seq += 1;
    return this.base + this.seq.toString(16).padStart(12, '0');
  }

  /** Whether this import made the id (a person created by an earlier row of the same file). */
  madeHere(id: string): boolean {
    return id.startsWith(this.base);
  }
}

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

/** A row that passed the pure checks, with its keys computed once: member key, insured's key, My Number hash. */
interface CheckedRow {
  member: MemberRow;
  key: string;
  /** The insured person's member key, for a dependant. */
  insuredKey: string | null;
  /** The keyed hash of the My Number (the only form the Store takes), or null. */
  numberHash: string | null;
}

/** One record of a chunk: the rejects of a row the pure checks refused, or a checked row. */
type ChunkEntry = { rejects: readonly Reject[] } | CheckedRow;

function periodsOverlap(a: { from: string; to: string | null }, b: { from: string; to: string | null }): boolean {
  const aEndsFirst = a.to !== null && compareDates(a.to, b.from) <= 0;
  const bEndsFirst = b.to !== null && compareDates(b.to, a.from) <= 0;
  return !aEndsFirst && !bEndsFirst;
}

function qualifiedOn(w: { acquiredOn: string; lostOn: string | null }, date: string): boolean {
  return compareDates(w.acquiredOn, date) <= 0 && (w.lostOn === null || compareDates(date, w.lostOn) < 0);
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

/** The writer of one chunk: Store records gathered row by row, written with multi-row inserts. */
class ChunkWriter {
  private persons: Person[] = [];
  private links: IndividualNumberLink[] = [];
  private qualifications: Omit<Qualification, 'memberKey'>[] = [];
  private attributes: QualificationAttribute[] = [];
  personsWritten = 0;
  qualificationsWritten = 0;

  constructor(
    private readonly tx: StoreTx,
    private readonly ids: ImportIds,
    private readonly insurerNumber: string,
    private readonly recordedAt: string,
  ) {}

  /** Adds one member; returns the new qualification's id. */
  add(
    row: MemberRow,
    person: { id: string; isNew: boolean },
    insuredQualificationId: string | null,
    numberHash: string | null,
  ): string {
    const qualificationId = this.ids.next();
    if (person.isNew) {
      this.persons.push({
        id: person.id,
        nameKanji: row.nameKanji,
        nameKana: row.nameKana,
        birthDate: row.birthDate,
        sex: row.sex,
        address: row.address,
        postalCode: row.postalCode,
        prefecture: row.prefecture,
      });
      if (row.individualNumber !== null && numberHash !== null) {
        this.links.push({
          personId: person.id,
          individualNumberHash: numberHash,
          individualNumberLast4: row.individualNumber.slice(8),
          linkedOn: row.acquiredOn,
          linkedBy: this.insurerNumber,
        });
      }
    }
    this.qualifications.push({
      id: qualificationId,
      personId: person.id,
      insurerNumber: this.insurerNumber,
      symbol: row.symbol,
      number: row.number,
      branch: row.branch,
      relationship: row.relationship,
      insuredQualificationId,
      acquiredOn: row.acquiredOn,
      lostOn: null,
      lossReason: null,
      cardClassification: row.cardClassification,
    });
    const base = { qualificationId, personId: person.id, recordedAt: this.recordedAt, supersededAt: null };
    this.attributes.push({
      ...base,
      id: this.ids.next(),
      kind: 'copayRate',
      rate: row.copayRate,
      validFrom: row.copayRateFrom,
      validTo: null,
    });
    if (row.elderlyRecipientTo !== null) {
      this.attributes.push({
        ...base,
        id: this.ids.next(),
        kind: 'elderlyRecipient',
        rate: row.copayRate,
        validFrom: row.copayRateFrom,
        validTo: row.elderlyRecipientTo,
        issuedOn: null,
      });
    }
    if (row.limitCategory !== null && row.limitCategoryFrom !== null) {
      this.attributes.push({
        ...base,
        id: this.ids.next(),
        kind: 'limitCategory',
        category: row.limitCategory,
        certificateClassification: null,
        issuedOn: null,
        longTermOn: null,
        validFrom: row.limitCategoryFrom,
        validTo: null,
      });
    }
    return qualificationId;
  }

  async flush(): Promise<void> {
    if (this.qualifications.length === 0) {
      return;
    }
    await this.tx.persons.insertMany(this.persons);
    await this.tx.individualNumbers.insertLinks(this.links);
    await this.tx.qualifications.insertMany(this.qualifications);
    await this.tx.qualifications.insertAttributes(this.attributes);
    this.personsWritten += this.persons.length;
    this.qualificationsWritten += this.qualifications.length;
    this.persons = [];
    this.links = [];
    this.qualifications = [];
    this.attributes = [];
  }
}

/** Opens the file as a stream of CSV records (arrays of strings) in the detected encoding. */
function csvRecords(file: string, encoding: CsvEncoding, onBytes: (n: number) => void): AsyncIterable<string[]> {
  const source = createReadStream(file, { highWaterMark: 1 << 20 });
  source.on('data', (chunk) => {
    onBytes(chunk.length);
  });
  const parser = parse({ relax_column_count: true, skip_empty_lines: true, bom: true });
  source.on('error', (e) => parser.destroy(e));
  return source.pipe(decoderFor(encoding)).pipe(parser);
}

function isCsvSyntaxError(error: unknown): boolean {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('CSV_');
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
        // Records created by this import share an id prefix, so a My Number met again is known to be a repeat in the file.
        const ids = new ImportIds();
        const writer = new ChunkWriter(tx, ids, insurerNumber, recordedAt);
        const unattached: Unattached[] = [];

        const checked = (member: MemberRow): CheckedRow => ({
          member,
          key: memberKey({ insurerNumber, symbol: member.symbol, number: member.number, branch: member.branch }),
          insuredKey:
            member.relationship === 'dependant'
              ? memberKey({
                  insurerNumber,
                  symbol: member.symbol,
                  number: member.insuredNumber ?? '',
                  branch: member.insuredBranch,
                })
              : null,
          numberHash: member.individualNumber === null ? null : tx.individualNumbers.hash(member.individualNumber),
        });

        /**
         * Duplicate, existing-person, overlap and insured-person checks of one chunk against the Store (which holds
         * every earlier chunk) and the chunk's earlier rows; rejects in row order; the good rows are written.
         */
        const writeChunk = async (entries: readonly ChunkEntry[]): Promise<void> => {
          const good = entries.filter((e): e is CheckedRow => 'member' in e);
          const lookupKeys: string[] = [];
          const hashes: string[] = [];
          for (const c of good) {
            lookupKeys.push(c.key);
            if (c.insuredKey !== null) {
              lookupKeys.push(c.insuredKey);
            }
            if (c.numberHash !== null) {
              hashes.push(c.numberHash);
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
            const ids = [...new Set([...linked.values()].map((l) => l.personId))];
            personsOnRecord = new Map((await tx.persons.getMany(ids)).map((p) => [p.id, p]));
            heldOnRecord = groupBy(await tx.qualifications.findByPersons(ids), (q) => q.personId);
          }
          const accepted = new Map<string, Holder[]>();
          const numbersInChunk = new Set<string>();
          const holders = (key: string): Holder[] => [...(accepted.get(key) ?? []), ...(onRecord.get(key) ?? [])];

          for (const entry of entries) {
            if (!('member' in entry)) {
              await refuse(entry.rejects);
              continue;
            }
            const { member: row, key, insuredKey, numberHash } = entry;
            const rejects: Reject[] = [];
            const contested = (other: Holder): boolean =>
              row.branch !== null || (row.relationship === 'insured' && other.relationship === 'insured');
            if (
              holders(key).some(
                (h) =>
                  contested(h) &&
                  periodsOverlap({ from: row.acquiredOn, to: null }, { from: h.acquiredOn, to: h.lostOn }),
              )
            ) {
              rejects.push(reject(row.row, '番号', 'IMPORT_DUPLICATE_MEMBER'));
            }
            let personId = ids.next();
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
              insuredKey === null
                ? null
                : (holders(insuredKey).find((h) => h.relationship === 'insured' && qualifiedOn(h, row.acquiredOn)) ??
                  null);
            const qualificationId = writer.add(
              row,
              { id: personId, isNew },
              insured?.qualificationId ?? null,
              numberHash,
            );
            if (insuredKey !== null && insured === null) {
              unattached.push({ qualificationId, insuredKey, acquiredOn: row.acquiredOn, row: row.row });
            }
            const holder: Holder = {
              qualificationId,
              relationship: row.relationship,
              acquiredOn: row.acquiredOn,
              lostOn: null,
            };
            const list = accepted.get(key);
            if (list === undefined) {
              accepted.set(key, [holder]);
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

        let layout: Map<MemberColumnKey, number> | null = null;
        let width = 0;
        let recordNumber = 0;
        let chunk: ChunkEntry[] = [];
        let syntaxErrorAt: number | null = null;
        const records = csvRecords(options.file, encoding, (n) => {
          bytes += n;
        });
        try {
          for await (const fields of records) {
            recordNumber += 1;
            if (layout === null) {
              const header = readHeader(fields);
              if (!header.ok) {
                await refuse(header.rejects);
                break;
              }
              layout = header.index;
              width = header.names.length;
              continue;
            }
            rows += 1;
            if (rows % progressEvery === 0) {
              progress();
            }
            if (fields.length !== width) {
              chunk.push({ rejects: [reject(recordNumber, '', 'IMPORT_COLUMN_COUNT')] });
            } else {
              const result = checkMemberRow(recordNumber, fields, layout, insurer);
              chunk.push(result.ok ? checked(result.row) : { rejects: result.rejects });
            }
            if (chunk.length >= chunkSize) {
              await writeChunk(chunk);
              chunk = [];
            }
          }
        } catch (error) {
          if (!isCsvSyntaxError(error)) {
            throw error;
          }
          syntaxErrorAt = recordNumber + 1;
        }
        await writeChunk(chunk);
        chunk = [];
        if (syntaxErrorAt !== null) {
          await report.add(reject(syntaxErrorAt, '', 'IMPORT_CSV_SYNTAX'));
        }
        if (layout === null && report.size === 0) {
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
