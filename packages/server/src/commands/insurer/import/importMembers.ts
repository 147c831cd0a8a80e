/**
 * Bulk 資格取得 from a member CSV (`onshi import members`): one streaming pass inside ONE Store transaction. Rows are
 * checked as they stream (memberRow.ts, then duplicates, existing persons and dependants against the rows already
 * written in this transaction and the Store); good rows are written in batches; every bad row goes to the reject
 * report. At the end the transaction commits only when there was no reject — otherwise it rolls back, so the
 * import is all-or-nothing, and a crash or `kill -9` midway leaves the database as it was (decision 0085).
 * Memory stays bounded: the Store itself answers "seen before?", only the current batch and dependants that name
 * an insured person later in the file are held.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { compareDates, validateInsurerNumber } from '@onshi/core';
import type { ServerContext } from '../../../context.js';
import { memberKey } from '../../../store/memberKey.js';
import type { Person, Qualification, QualificationAttribute, StoreTx } from '../../../store/types.js';
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
  /** Rows per multi-row insert (default 2,000). */
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

interface Written {
  qualificationId: string;
  personId: string;
  relationship: Qualification['relationship'];
  acquiredOn: string;
  lostOn: string | null;
}

/** A dependant whose insured person may come later in the file (resolved at the end). */
interface Deferred {
  row: MemberRow;
  personId: string;
  existing: boolean;
}

/** The insured person's member key for a dependant row (same 記号 as the row). */
function insuredKeyOf(insurerNumber: string, row: MemberRow): string {
  return memberKey({ insurerNumber, symbol: row.symbol, number: row.insuredNumber ?? '', branch: row.insuredBranch });
}

function periodsOverlap(a: { from: string; to: string | null }, b: { from: string; to: string | null }): boolean {
  const aEndsFirst = a.to !== null && compareDates(a.to, b.from) <= 0;
  const bEndsFirst = b.to !== null && compareDates(b.to, a.from) <= 0;
  return !aEndsFirst && !bEndsFirst;
}

function qualifiedOn(w: { acquiredOn: string; lostOn: string | null }, date: string): boolean {
  return compareDates(w.acquiredOn, date) <= 0 && (w.lostOn === null || compareDates(date, w.lostOn) < 0);
}

/** The writer: batches Store rows and keeps the batch's keys so later rows see them before they are flushed. */
class BatchWriter {
  persons: Person[] = [];
  links: { personId: string; individualNumber: string; linkedOn: string; linkedBy: string | null }[] = [];
  qualifications: Omit<Qualification, 'memberKey'>[] = [];
  attributes: QualificationAttribute[] = [];
  byKey = new Map<string, Written[]>();
  numbers = new Set<string>();
  personsWritten = 0;
  qualificationsWritten = 0;

  constructor(
    private readonly tx: StoreTx,
    private readonly insurerNumber: string,
    private readonly recordedAt: string,
  ) {}

  get size(): number {
    return this.qualifications.length;
  }

  add(row: MemberRow, person: { id: string; isNew: boolean }, insuredQualificationId: string | null): void {
    const qualificationId = randomUUID();
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
      if (row.individualNumber !== null) {
        this.links.push({
          personId: person.id,
          individualNumber: row.individualNumber,
          linkedOn: row.acquiredOn,
          linkedBy: this.insurerNumber,
        });
        this.numbers.add(row.individualNumber);
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
      id: randomUUID(),
      kind: 'copayRate',
      rate: row.copayRate,
      validFrom: row.copayRateFrom,
      validTo: null,
    });
    if (row.elderlyRecipientTo !== null) {
      this.attributes.push({
        ...base,
        id: randomUUID(),
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
        id: randomUUID(),
        kind: 'limitCategory',
        category: row.limitCategory,
        certificateClassification: null,
        issuedOn: null,
        longTermOn: null,
        validFrom: row.limitCategoryFrom,
        validTo: null,
      });
    }
    const key = memberKey({
      insurerNumber: this.insurerNumber,
      symbol: row.symbol,
      number: row.number,
      branch: row.branch,
    });
    const list = this.byKey.get(key) ?? [];
    list.push({
      qualificationId,
      personId: person.id,
      relationship: row.relationship,
      acquiredOn: row.acquiredOn,
      lostOn: null,
    });
    this.byKey.set(key, list);
  }

  async flush(): Promise<void> {
    if (this.qualifications.length === 0) {
      return;
    }
    await this.tx.persons.insertMany(this.persons);
    await this.tx.individualNumbers.insertMany(this.links);
    await this.tx.qualifications.insertMany(this.qualifications);
    await this.tx.qualifications.insertAttributes(this.attributes);
    this.personsWritten += this.persons.length;
    this.qualificationsWritten += this.qualifications.length;
    this.persons = [];
    this.links = [];
    this.qualifications = [];
    this.attributes = [];
    this.byKey.clear();
    this.numbers.clear();
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
  const batchSize = options.batchSize ?? 2000;
  const progressEvery = Math.max(1, options.progressEveryRows ?? 5000);
  const recordedAt = ctx.clock.now().toISOString();
  let rows = 0;
  let bytes = 0;
  let persons = 0;
  let qualifications = 0;
  const progress = (): void => options.onProgress?.({ bytes, totalBytes, rows, rejects: report.size });

  try {
    await ctx.store.transaction(async (tx) => {
      const writer = new BatchWriter(tx, insurer.insurerNumber, recordedAt);
      const deferred: Deferred[] = [];
      const deferredKeys = new Map<string, MemberRow>();
      let layout: Map<MemberColumnKey, number> | null = null;
      let width = 0;
      let recordNumber = 0;
      // Persons created by this import share a prefix, so a My Number met again is known to be a repeat in the file.
      const personPrefix = `${randomUUID()}-`;
      let personSeq = 0;

      /** Earlier rows under a member key: this batch, rows already written in this transaction, and the Store. */
      const holdersOf = async (key: string, keyParts: Parameters<typeof memberKey>[0]): Promise<Written[]> => {
        const inBatch = writer.byKey.get(key) ?? [];
        const inStore = (await tx.qualifications.findByMemberKey(keyParts)).map((q) => ({
          qualificationId: q.id,
          personId: q.personId,
          relationship: q.relationship,
          acquiredOn: q.acquiredOn,
          lostOn: q.lostOn,
        }));
        return [...inBatch, ...inStore];
      };

      /** The insured person's qualification a dependant hangs on, qualified on the dependant's acquired date. */
      const insuredFor = async (row: MemberRow): Promise<Written | null> => {
        const key = insuredKeyOf(insurer.insurerNumber, row);
        const holders = await holdersOf(key, {
          insurerNumber: insurer.insurerNumber,
          symbol: row.symbol,
          number: row.insuredNumber ?? '',
          branch: row.insuredBranch,
        });
        return holders.find((h) => h.relationship === 'insured' && qualifiedOn(h, row.acquiredOn)) ?? null;
      };

      /** Duplicate, existing-person and overlap checks; returns the person to attach, or the rejects. */
      const checkAgainstStore = async (
        row: MemberRow,
      ): Promise<{ ok: true; personId: string; isNew: boolean } | { ok: false; rejects: Reject[] }> => {
        const rejects: Reject[] = [];
        const key = memberKey({
          insurerNumber: insurer.insurerNumber,
          symbol: row.symbol,
          number: row.number,
          branch: row.branch,
        });
        const holders = await holdersOf(key, {
          insurerNumber: insurer.insurerNumber,
          symbol: row.symbol,
          number: row.number,
          branch: row.branch,
        });
        const pendingSame = deferredKeys.get(key);
        const contested = (other: { relationship: string }): boolean =>
          row.branch !== null || (row.relationship === 'insured' && other.relationship === 'insured');
        if (
          holders.some(
            (h) =>
              contested(h) && periodsOverlap({ from: row.acquiredOn, to: null }, { from: h.acquiredOn, to: h.lostOn }),
          ) ||
          (pendingSame !== undefined && contested(pendingSame))
        ) {
          rejects.push(reject(row.row, '番号', 'IMPORT_DUPLICATE_MEMBER'));
        }
        let personId = `${personPrefix}${(++personSeq).toString(16)}`;
        let isNew = true;
        if (row.individualNumber !== null) {
          if (writer.numbers.has(row.individualNumber)) {
            rejects.push(reject(row.row, '個人番号', 'IMPORT_DUPLICATE_INDIVIDUAL_NUMBER'));
          } else {
            const link = await tx.individualNumbers.findByNumber(row.individualNumber);
            if (link !== null) {
              const person = await tx.persons.get(link.personId);
              if (person === null || person.birthDate !== row.birthDate) {
                rejects.push(reject(row.row, '個人番号', 'IMPORT_INDIVIDUAL_NUMBER_OTHER_PERSON'));
              } else {
                // Linked by an earlier row of this file: the same number twice; else a person on record (job change).
                const held = await tx.qualifications.findByPerson(person.id);
                if (person.id.startsWith(personPrefix)) {
                  rejects.push(reject(row.row, '個人番号', 'IMPORT_DUPLICATE_INDIVIDUAL_NUMBER'));
                } else if (
                  held.some((q) =>
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
        }
        return rejects.length > 0 ? { ok: false, rejects } : { ok: true, personId, isNew };
      };

      const refuse = async (rs: readonly Reject[]): Promise<void> => {
        for (const r of rs) {
          await report.add(r);
        }
      };

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
            await report.add(reject(recordNumber, '', 'IMPORT_COLUMN_COUNT'));
            continue;
          }
          const checked = checkMemberRow(recordNumber, fields, layout, insurer);
          if (!checked.ok) {
            await refuse(checked.rejects);
            continue;
          }
          const row = checked.row;
          const against = await checkAgainstStore(row);
          if (!against.ok) {
            await refuse(against.rejects);
            continue;
          }
          let insuredId: string | null = null;
          if (row.relationship === 'dependant') {
            const insured = await insuredFor(row);
            if (insured === null) {
              deferred.push({ row, personId: against.personId, existing: !against.isNew });
              deferredKeys.set(
                memberKey({
                  insurerNumber: insurer.insurerNumber,
                  symbol: row.symbol,
                  number: row.number,
                  branch: row.branch,
                }),
                row,
              );
              continue;
            }
            insuredId = insured.qualificationId;
          }
          writer.add(row, { id: against.personId, isNew: against.isNew }, insuredId);
          if (writer.size >= batchSize) {
            await writer.flush();
          }
        }
      } catch (error) {
        if (
          error instanceof Error &&
          'code' in error &&
          typeof error.code === 'string' &&
          error.code.startsWith('CSV_')
        ) {
          await report.add(reject(recordNumber + 1, '', 'IMPORT_CSV_SYNTAX'));
        } else {
          throw error;
        }
      }
      if (layout === null && report.size === 0) {
        await report.add(reject(1, '', 'IMPORT_EMPTY_FILE'));
      }
      await writer.flush();
      // Dependants that named an insured person further down the file.
      for (const d of deferred) {
        const insured = await insuredFor(d.row);
        if (insured === null) {
          await report.add(reject(d.row.row, '本人番号', 'IMPORT_DEPENDANT_WITHOUT_INSURED'));
          continue;
        }
        writer.add(d.row, { id: d.personId, isNew: !d.existing }, insured.qualificationId);
        if (writer.size >= batchSize) {
          await writer.flush();
        }
      }
      await writer.flush();
      progress();
      if (report.size > 0) {
        throw new RejectedRows();
      }
      persons = writer.personsWritten;
      qualifications = writer.qualificationsWritten;
      await (options.audit ?? new AuditLog(ctx.store, ctx.clock)).appendInTx(tx, {
        actorKind: 'insurer',
        actorId: insurer.insurerNumber,
        action: 'insurer.members.import',
        personId: null,
        target: `insurer:${insurer.insurerNumber}`,
        outcome: 'allowed',
        detail: { rows, persons, qualifications, encoding },
      });
    });
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
