/**
 * The member import's reading half (decision 0151): the CSV streamed and decoded, every row given the pure checks
 * (memberRow.ts), its member keys computed and its Store rows built — person, qualification, attributes — with
 * ids drawn in insertion order (decision 0137). What is left for the writer needs the Store: the lookups of a chunk,
 * the judgement of each row against them, and the writes. The same generator runs on a worker thread for large
 * files (importWorker.ts, one JSON text per chunk, as the seed does: decision 0125) and in the calling thread for
 * small ones, so both paths import the same rows.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { memberKey } from '../../../store/memberKey.js';
import { attributeValues, personValues, qualificationValues } from '../../../store/sql/sqlStore.js';
import type { BulkValue, QualificationAttribute, Relationship } from '../../../store/types.js';
import { decoderFor, type CsvEncoding } from './encoding.js';
import { checkMemberRow, readHeader, type ImportInsurer, type MemberColumnKey, type MemberRow } from './memberRow.js';
import { textsFromThread } from '../../../threads/textThread.js';
import { reject, type Reject } from './rejects.js';

/**
 * Ids of one import's records: a random UUID whose last 48 bits count up. Still unique (74 random bits per import),
 * but in insertion order, so every primary-key and id index grows at its right edge instead of at random pages —
 * cache hits instead of misses once the tables outgrow SQLite's page cache (decision 0137).
 */
export class ImportIds {
  private seq = 0;

  /** `base`: the first 24 characters of a UUID, shared by the reading thread and the writer. */
  constructor(readonly base: string = randomUUID().slice(0, 24)) {}

  next(): string {
    this.seq += 1;
    return this.base + this.seq.toString(16).padStart(12, '0');
  }

  /** Whether this import made the id (a person created by an earlier row of the same file). */
  madeHere(id: string): boolean {
    return id.startsWith(this.base);
  }
}

/** Column positions of the Store rows a prepared row carries (store/sql/sqlStore.ts column lists). */
export const QUALIFICATION_PERSON_ID = 1;
export const QUALIFICATION_INSURED_ID = 8;
export const ATTRIBUTE_PERSON_ID = 2;

/**
 * A row that passed the pure checks, with what the writer needs: its keys, the facts the Store checks use, and its
 * Store rows (person and qualification ids drawn; the person id is replaced when the My Number is on record).
 */
export interface PreparedRow {
  /** Row number as a spreadsheet counts it (header = 1). */
  row: number;
  /** The id of the person the row creates (unless its My Number is on record) and of its qualification. */
  personId: string;
  qualificationId: string;
  key: string;
  /** The insured person's member key, for a dependant. */
  insuredKey: string | null;
  /** 12 digits, or null: the writer hashes it with the Store's key (decision 0042). Never logged. */
  individualNumber: string | null;
  birthDate: string;
  acquiredOn: string;
  relationship: Relationship;
  /** 枝番 given: a member with a branch is unique on its own (duplicate check). */
  branched: boolean;
  person: BulkValue[];
  qualification: BulkValue[];
  attributes: BulkValue[][];
}

/** One record of a chunk: the rejects of a data row the pure checks refused, or a prepared row. */
export type PreparedEntry = { rejects: Reject[] } | PreparedRow;

/** Rows read in file order, with how far the file was read. `end` is set on the last chunk. */
export interface PreparedChunk {
  /** Bytes of the file read so far. */
  bytes: number;
  entries: PreparedEntry[];
  /** Rejects of the header row (the file is not read further). */
  headerRejects: Reject[];
  end: { headerSeen: boolean; syntaxErrorAt: number | null } | null;
}

/** What the reading half needs. */
export interface PrepareOptions {
  file: string;
  encoding: CsvEncoding;
  insurer: ImportInsurer;
  chunkSize: number;
  /** `ImportIds.base` of the import. */
  idBase: string;
  /** The attributes' recordedAt (the import's clock, read once). */
  recordedAt: string;
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

/** The Store rows of one checked member (what `qualifications.insertMany` and friends would write). */
export function prepareRow(member: MemberRow, insurerNumber: string, ids: ImportIds, recordedAt: string): PreparedRow {
  const personId = ids.next();
  const qualificationId = ids.next();
  const person = personValues({
    id: personId,
    nameKanji: member.nameKanji,
    nameKana: member.nameKana,
    birthDate: member.birthDate,
    sex: member.sex,
    address: member.address,
    postalCode: member.postalCode,
    prefecture: member.prefecture,
  });
  const key = memberKey({ insurerNumber, symbol: member.symbol, number: member.number, branch: member.branch });
  const qualification = qualificationValues({
    id: qualificationId,
    personId,
    insurerNumber,
    symbol: member.symbol,
    number: member.number,
    branch: member.branch,
    memberKey: key,
    relationship: member.relationship,
    insuredQualificationId: null,
    acquiredOn: member.acquiredOn,
    lostOn: null,
    lossReason: null,
    cardClassification: member.cardClassification,
  });
  // What every attribute row of this member shares besides its own id.
  const owner = { qualificationId, personId, recordedAt, supersededAt: null };
  const attributes: QualificationAttribute[] = [
    {
      id: ids.next(),
      ...owner,
      kind: 'copayRate',
      rate: member.copayRate,
      validFrom: member.copayRateFrom,
      validTo: null,
    },
  ];
  if (member.elderlyRecipientTo !== null) {
    attributes.push({
      id: ids.next(),
      ...owner,
      kind: 'elderlyRecipient',
      rate: member.copayRate,
      validFrom: member.copayRateFrom,
      validTo: member.elderlyRecipientTo,
      issuedOn: null,
    });
  }
  if (member.limitCategory !== null && member.limitCategoryFrom !== null) {
    attributes.push({
      id: ids.next(),
      ...owner,
      kind: 'limitCategory',
      category: member.limitCategory,
      certificateClassification: null,
      issuedOn: null,
      longTermOn: null,
      validFrom: member.limitCategoryFrom,
      validTo: null,
    });
  }
  return {
    row: member.row,
    personId,
    qualificationId,
    key,
    insuredKey:
      member.relationship === 'dependant'
        ? memberKey({
            insurerNumber,
            symbol: member.symbol,
            number: member.insuredNumber ?? '',
            branch: member.insuredBranch,
          })
        : null,
    individualNumber: member.individualNumber,
    birthDate: member.birthDate,
    acquiredOn: member.acquiredOn,
    relationship: member.relationship,
    branched: member.branch !== null,
    person,
    qualification,
    attributes: attributes.map(attributeValues),
  };
}

/** Reads, checks and prepares the file chunk by chunk (module comment); the last chunk has `end` set. */
export async function* preparedChunks(options: PrepareOptions): AsyncGenerator<PreparedChunk> {
  const ids = new ImportIds(options.idBase);
  const insurerNumber = options.insurer.insurerNumber;
  let bytes = 0;
  let layout: Map<MemberColumnKey, number> | null = null;
  let width = 0;
  let recordNumber = 0;
  let entries: PreparedEntry[] = [];
  let headerRejects: Reject[] = [];
  let syntaxErrorAt: number | null = null;
  const records = csvRecords(options.file, options.encoding, (n) => {
    bytes += n;
  });
  try {
    for await (const fields of records) {
      recordNumber += 1;
      if (layout === null) {
        const header = readHeader(fields);
        if (!header.ok) {
          headerRejects = header.rejects;
          break;
        }
        layout = header.index;
        width = header.names.length;
        continue;
      }
      if (fields.length !== width) {
        entries.push({ rejects: [reject(recordNumber, '', 'IMPORT_COLUMN_COUNT')] });
      } else {
        const result = checkMemberRow(recordNumber, fields, layout, options.insurer);
        entries.push(
          result.ok ? prepareRow(result.row, insurerNumber, ids, options.recordedAt) : { rejects: result.rejects },
        );
      }
      if (entries.length >= options.chunkSize) {
        yield { bytes, entries, headerRejects, end: null };
        entries = [];
      }
    }
  } catch (error) {
    if (!isCsvSyntaxError(error)) {
      throw error;
    }
    syntaxErrorAt = recordNumber + 1;
  }
  yield { bytes, entries, headerRejects, end: { headerSeen: layout !== null, syntaxErrorAt } };
}

// ---------------------------------------------------------------------------------------------------------------
// The worker-thread path: chunks as JSON texts (a string crosses threads as one copy; decision 0125).

/** Chunks a worker may have sent ahead of the writer: bounds memory at a few chunks. */
const MAX_AHEAD = 4;

function isStringOrNull(v: unknown): v is string | null {
  return v === null || typeof v === 'string';
}

function isBulkRow(v: unknown): v is BulkValue[] {
  return (
    Array.isArray(v) &&
    v.every((x) => x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')
  );
}

function isReject(v: unknown): v is Reject {
  if (typeof v !== 'object' || v === null) {
    return false;
  }
  const message: unknown = Reflect.get(v, 'message');
  return (
    typeof Reflect.get(v, 'row') === 'number' &&
    typeof Reflect.get(v, 'column') === 'string' &&
    typeof Reflect.get(v, 'code') === 'string' &&
    typeof message === 'object' &&
    message !== null &&
    typeof Reflect.get(message, 'ja') === 'string' &&
    typeof Reflect.get(message, 'en') === 'string'
  );
}

function isRejects(v: unknown): v is Reject[] {
  return Array.isArray(v) && v.every(isReject);
}

function isEntry(v: unknown): v is PreparedEntry {
  if (typeof v !== 'object' || v === null) {
    return false;
  }
  if ('rejects' in v) {
    return isRejects(v.rejects);
  }
  const relationship: unknown = Reflect.get(v, 'relationship');
  const attributes: unknown = Reflect.get(v, 'attributes');
  return (
    typeof Reflect.get(v, 'row') === 'number' &&
    typeof Reflect.get(v, 'personId') === 'string' &&
    typeof Reflect.get(v, 'qualificationId') === 'string' &&
    typeof Reflect.get(v, 'key') === 'string' &&
    isStringOrNull(Reflect.get(v, 'insuredKey')) &&
    isStringOrNull(Reflect.get(v, 'individualNumber')) &&
    typeof Reflect.get(v, 'birthDate') === 'string' &&
    typeof Reflect.get(v, 'acquiredOn') === 'string' &&
    (relationship === 'insured' || relationship === 'dependant') &&
    typeof Reflect.get(v, 'branched') === 'boolean' &&
    isBulkRow(Reflect.get(v, 'person')) &&
    isBulkRow(Reflect.get(v, 'qualification')) &&
    Array.isArray(attributes) &&
    attributes.every(isBulkRow)
  );
}

/** Parses a chunk's JSON text as the worker wrote it; a RangeError for anything else. */
export function parsePreparedChunk(text: string): PreparedChunk {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null) {
    throw new RangeError('a prepared chunk is a JSON object');
  }
  const bytes: unknown = Reflect.get(parsed, 'bytes');
  const entries: unknown = Reflect.get(parsed, 'entries');
  const headerRejects: unknown = Reflect.get(parsed, 'headerRejects');
  const end: unknown = Reflect.get(parsed, 'end');
  if (typeof bytes !== 'number' || !Array.isArray(entries) || !entries.every(isEntry) || !isRejects(headerRejects)) {
    throw new RangeError('a prepared chunk has bytes, entries and headerRejects');
  }
  if (end === null) {
    return { bytes, entries, headerRejects, end: null };
  }
  const headerSeen: unknown = typeof end === 'object' ? Reflect.get(end, 'headerSeen') : undefined;
  const syntaxErrorAt: unknown = typeof end === 'object' ? Reflect.get(end, 'syntaxErrorAt') : undefined;
  if (typeof headerSeen !== 'boolean' || (syntaxErrorAt !== null && typeof syntaxErrorAt !== 'number')) {
    throw new RangeError('a prepared chunk’s end has headerSeen and syntaxErrorAt');
  }
  return { bytes, entries, headerRejects, end: { headerSeen, syntaxErrorAt } };
}

/**
 * `preparedChunks` on a worker thread (importWorker.ts through threads/textThread.ts): parsing and the row checks
 * use the second core while the caller looks up and writes, at most MAX_AHEAD chunks ahead (decision 0151).
 */
export async function* workerChunks(options: PrepareOptions): AsyncGenerator<PreparedChunk> {
  const texts = textsFromThread(new URL('./importWorker.ts', import.meta.url), options, {
    maxAhead: MAX_AHEAD,
    label: 'import worker',
  });
  for await (const text of texts) {
    const chunk = parsePreparedChunk(text);
    yield chunk;
    if (chunk.end !== null) {
      return;
    }
  }
}
