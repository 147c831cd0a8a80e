/**
 * `onshi seed`: writes the synthetic Japan of packages/server/src/population into the Store — insurers,
 * institutions, then households streamed in batches (persons, My Number links as keyed hashes, qualifications
 * and their effective-dated attributes, cards, 健康保険証利用登録, DV flags, documents) — all in ONE transaction,
 * so an interrupted seed leaves an empty database, never half a country (decision 0086). A million people load in
 * well under two minutes: a worker thread generates and encodes batches while this thread writes them in a bulk
 * load that builds the secondary indexes once at the end (decisions 0125, 0126). Electronic certificates
 * are not minted here: RSA keys for a million cards would take hours; the card authority issues real ones for a
 * small wallet subset (see wallet.ts).
 */
import type { Institution, Insurer, Store } from '@onshi/server/store';
import { parseBulkRows } from '@onshi/server/store/sql/bulkRows';
import {
  generateInstitutions,
  generateInsurers,
  type GeneratedInstitution,
  type GeneratedInsurer,
} from '@onshi/server/population/index';
import { encodedBatches, workerBatches, type BatchOptions } from './batches.js';

/** Options of `seedPopulation`. */
export interface SeedOptions {
  people: number;
  seed: number | string;
  /** The date the population is described on (ages, cards, documents). */
  asOf: string;
  /** Institutions to create (default: about one per 510 people as in Japan, at least 200). */
  institutions?: number;
  /** Persons per multi-row insert batch (default 5,000). */
  batchPeople?: number;
  /**
   * Generate on a worker thread while this thread writes (default: from WORKER_MIN_PEOPLE persons on; a worker
   * takes about half a second to start). Both ways write the same rows.
   */
  worker?: boolean;
  /** Called after each batch with the persons written so far. */
  onProgress?: (persons: number) => void;
}

/** Rows written, by table. */
export interface SeedCounts {
  insurers: number;
  institutions: number;
  persons: number;
  individualNumbers: number;
  qualifications: number;
  attributes: number;
  cards: number;
  registrations: number;
  dvFlags: number;
  documents: number;
}

/** The seed refuses a database that already holds people or insurers (ids would clash). */
export class SeedError extends Error {
  constructor(
    readonly code: 'SEED_NOT_EMPTY',
    readonly messageJa: string,
    messageEn: string,
  ) {
    super(messageEn);
    this.name = 'SeedError';
  }
}

/** From this many persons on the seed generates on a worker thread by default (decision 0125). */
export const WORKER_MIN_PEOPLE = 20_000;

/** Japan has about 243,000 医療機関・薬局 for 124 million people. */
const PEOPLE_PER_INSTITUTION = 124_000_000 / 243_000;

/** How many institutions a population of `people` gets by default. */
export function defaultInstitutionCount(people: number): number {
  return Math.min(243_000, Math.max(200, Math.round(people / PEOPLE_PER_INSTITUTION)));
}

/** True when the store holds no person and no insurer: the only state the seed writes into. */
export async function storeIsEmpty(store: Store): Promise<boolean> {
  return (await store.persons.count()) === 0 && (await store.insurers.list()).length === 0;
}

function toInsurer(g: GeneratedInsurer): Insurer {
  return { insurerNumber: g.insurerNumber, name: g.name, scheme: g.scheme, prefecture: g.prefecture, branch: g.branch };
}

function toInstitution(g: GeneratedInstitution): Institution {
  return {
    institutionCode: g.institutionCode,
    name: g.name,
    kind: g.kind,
    prefecture: g.prefecture,
    address: g.address,
    oqsEnabled: g.oqsEnabled,
    readerStatus: g.readerStatus,
    consentItemsEnabled: [...g.consentItemsEnabled],
    smartphoneReader: g.smartphoneReader,
  };
}

/**
 * Seeds an empty store (module comment). Deterministic: the same people, seed and asOf give the same rows and ids.
 * Throws `SeedError` when the store is not empty.
 */
export async function seedPopulation(store: Store, options: SeedOptions): Promise<SeedCounts> {
  if (!(await storeIsEmpty(store))) {
    throw new SeedError(
      'SEED_NOT_EMPTY',
      'データベースに既に加入者または保険者があります。空のデータベースを指定してください。',
      'The database already holds persons or insurers; seed an empty database.',
    );
  }
  const counts: SeedCounts = {
    insurers: 0,
    institutions: 0,
    persons: 0,
    individualNumbers: 0,
    qualifications: 0,
    attributes: 0,
    cards: 0,
    registrations: 0,
    dvFlags: 0,
    documents: 0,
  };
  const batch: BatchOptions = {
    people: options.people,
    seed: options.seed,
    asOf: options.asOf,
    batchPeople: options.batchPeople ?? 5000,
  };
  const useWorker = options.worker ?? options.people >= WORKER_MIN_PEOPLE;
  await store.bulkLoad(async (tx) => {
    const insurers = generateInsurers({ seed: options.seed }).map(toInsurer);
    await tx.insurers.insertMany(insurers);
    counts.insurers = insurers.length;
    const institutions = [
      ...generateInstitutions({
        seed: options.seed,
        count: options.institutions ?? defaultInstitutionCount(options.people),
        asOf: options.asOf,
      }),
    ].map(toInstitution);
    await tx.institutions.insertMany(institutions);
    counts.institutions = institutions.length;

    for await (const text of useWorker ? workerBatches(batch) : encodedBatches(batch)) {
      const rows = parseBulkRows(text);
      await tx.bulkRows.insert(rows);
      counts.persons += rows.persons.length;
      counts.individualNumbers += rows.links.length;
      counts.qualifications += rows.qualifications.length;
      counts.attributes += rows.attributes.length;
      counts.cards += rows.cards.length;
      counts.registrations += rows.registrations.length;
      counts.dvFlags += rows.dvFlags.length;
      counts.documents += rows.documents.length;
      options.onProgress?.(counts.persons);
    }
  });
  return counts;
}
