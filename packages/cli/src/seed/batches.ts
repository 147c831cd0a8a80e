/**
 * The seed's population as a stream of batches (decision 0125): households from the generator, gathered into
 * `BulkRecords` of about `batchPeople` persons, encoded as table rows and sent as one JSON text per batch. The same
 * code runs on a worker thread (populationWorker.ts) for large seeds and in the calling thread for small ones, so
 * both give the same rows.
 */
import { textsFromThread } from '@onshi/server/threads/textThread';
import type { BulkRecords } from '@onshi/server/store';
import { encodeBulkRows } from '@onshi/server/store/sql/bulkRows';
import { generatePopulation, type GeneratedHousehold, type Seed } from '@onshi/server/population/index';

/** What to generate. */
export interface BatchOptions {
  people: number;
  seed: Seed;
  asOf: string;
  /** Persons per batch (a household is never split, so a batch may hold a few more). */
  batchPeople: number;
}

/** Batches a worker may have sent ahead of the writer: bounds memory at a few batches. */
const MAX_AHEAD = 4;

function emptyRecords(): BulkRecords {
  return {
    persons: [],
    links: [],
    qualifications: [],
    attributes: [],
    cards: [],
    registrations: [],
    dvFlags: [],
    documents: [],
  };
}

function addHousehold(records: BulkRecords, h: GeneratedHousehold): void {
  for (const m of h.members) {
    records.persons.push(m.person);
    const current = m.qualifications[m.qualifications.length - 1];
    // The link is made by the insurer that holds the person now (as a 資格取得届 with 個人番号 would).
    records.links.push({
      personId: m.person.id,
      individualNumber: m.individualNumber,
      linkedOn: current?.acquiredOn ?? m.person.birthDate,
      linkedBy: current?.insurerNumber ?? null,
    });
    records.qualifications.push(...m.qualifications);
    records.attributes.push(...m.attributes);
    records.cards.push(...m.cards);
    if (m.registration !== null) {
      records.registrations.push(m.registration);
    }
    records.dvFlags.push(...m.dvFlags);
    records.documents.push(...m.documents);
  }
}

/** The population as JSON texts of `BulkRows`, in generation order (the last batch may be smaller or empty). */
export function* encodedBatches(options: BatchOptions): Generator<string> {
  let records = emptyRecords();
  for (const household of generatePopulation({ people: options.people, seed: options.seed, asOf: options.asOf })) {
    addHousehold(records, household);
    if (records.persons.length >= options.batchPeople) {
      yield JSON.stringify(encodeBulkRows(records));
      records = emptyRecords();
    }
  }
  yield JSON.stringify(encodeBulkRows(records));
}

/**
 * `encodedBatches` run on a worker thread (populationWorker.ts through @onshi/server's threads/textThread.ts): the
 * generator and the encoding use the second core while the caller writes, at most MAX_AHEAD batches ahead.
 */
export function workerBatches(options: BatchOptions): AsyncGenerator<string> {
  return textsFromThread(new URL('./populationWorker.ts', import.meta.url), options, {
    maxAhead: MAX_AHEAD,
    label: 'population worker',
  });
}
