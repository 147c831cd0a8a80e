/**
 * Bulk rows (decision 0125): the person-centred records of a large load turned into table rows by the same mappers
 * the repositories' `insertMany` use, so `store.bulkRows.insert(encodeBulkRows(r))` stores exactly what the
 * `insertMany` calls would. Pure and free of database drivers, so the seed runs it on a worker thread and hands the
 * main thread one JSON text per batch (a string crosses threads as a copy; a million objects would not).
 */
import { memberKey } from '../memberKey.js';
import type { BulkRecords, BulkRows, BulkValue } from '../types.js';
import {
  attributeValues,
  cardValues,
  documentValues,
  dvValues,
  personValues,
  qualificationValues,
  registrationValues,
} from './sqlStore.js';

/** The tables of `BulkRows`, in foreign-key order. */
export const BULK_ROW_TABLES = [
  'persons',
  'links',
  'qualifications',
  'attributes',
  'cards',
  'registrations',
  'dvFlags',
  'documents',
] as const;

/** Maps records to rows; My Numbers stay in clear for the store to hash (types.ts `BulkRows`). */
export function encodeBulkRows(records: BulkRecords): BulkRows {
  return {
    persons: records.persons.map(personValues),
    links: records.links.map((l) => [l.individualNumber, l.personId, l.linkedOn, l.linkedBy]),
    qualifications: records.qualifications.map((q) => qualificationValues({ ...q, memberKey: memberKey(q) })),
    attributes: records.attributes.map(attributeValues),
    cards: records.cards.map(cardValues),
    registrations: records.registrations.map(registrationValues),
    dvFlags: records.dvFlags.map(dvValues),
    documents: records.documents.map(documentValues),
  };
}

function isBulkValue(v: unknown): v is BulkValue {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function isRowList(v: unknown): v is BulkValue[][] {
  return Array.isArray(v) && v.every((row) => Array.isArray(row) && row.every(isBulkValue));
}

/** Parses the JSON text of `BulkRows` (as `JSON.stringify(encodeBulkRows(…))` made it); a RangeError otherwise. */
export function parseBulkRows(text: string): BulkRows {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null) {
    throw new RangeError('bulk rows must be a JSON object');
  }
  const table = (name: (typeof BULK_ROW_TABLES)[number]): BulkValue[][] => {
    const rows: unknown = Reflect.get(parsed, name);
    if (!isRowList(rows)) {
      throw new RangeError(`bulk rows: ${name} must be an array of rows of strings, numbers, booleans or null`);
    }
    return rows;
  };
  return {
    persons: table('persons'),
    links: table('links'),
    qualifications: table('qualifications'),
    attributes: table('attributes'),
    cards: table('cards'),
    registrations: table('registrations'),
    dvFlags: table('dvFlags'),
    documents: table('documents'),
  };
}
