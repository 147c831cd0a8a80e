/** The SQLite read models keep what a miss built even when no write transaction follows (decisions 0166, 0171). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../index.js';
import { sampleCertificate, samplePerson, sampleQualification, TEST_INDIVIDUAL_NUMBER_KEY } from '../store.contract.js';
import type { Store } from '../types.js';

const dirs: string[] = [];
const stores: Store[] = [];

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  for (const dir of dirs.splice(0)) {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function openStore(): Promise<{ store: Store; rows: (table: string) => number }> {
  const dir = mkdtempSync(join(tmpdir(), 'onshi-read-models-'));
  dirs.push(dir);
  const path = join(dir, 'onshi.db');
  const store = await createStore({ kind: 'sqlite', path }, { individualNumberKey: TEST_INDIVIDUAL_NUMBER_KEY });
  stores.push(store);
  const rows = (table: string): number => {
    const raw = new Database(path, { readonly: true });
    try {
      return Number(raw.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
    } finally {
      raw.close();
    }
  };
  return { store, rows };
}

describe('the read models on a SQLite file', () => {
  it('store the rows a miss built within a moment, though nothing else writes (the check journal takes the checks)', async () => {
    const { store, rows } = await openStore();
    await store.persons.insert(samplePerson('p1'));
    await store.qualifications.insert(sampleQualification('p1'));
    await store.certificates.insert(sampleCertificate('0a1b2c', 'c1'), 'p1', '2024-01-15T00:00:00.000Z');
    expect([rows('member_snapshots'), rows('card_snapshots')]).toEqual([0, 0]);
    const key = { insurerNumber: '01130012', symbol: '1234', number: '5678', branch: '01' };
    const records = await store.qualifications.memberRecordsByKey(key);
    const path = await store.certificates.cardPathBySerial(['0a1b2c'], '2025-01-10');
    expect(records).toHaveLength(1);
    expect(path?.personId).toBe('p1');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect([rows('member_snapshots'), rows('card_snapshots')]).toEqual([1, 1]);
    // Read from the rows now: the same answers.
    expect(await store.qualifications.memberRecordsByKey(key)).toEqual(records);
    // The card's row also lists the person's member keys (migration 0111).
    expect(await store.certificates.cardPathBySerial(['0a1b2c'], '2025-01-10')).toEqual({
      ...path,
      memberKeys: [records[0]?.qualification.memberKey],
    });
  });
});
