import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../sql/database.js';
import { openSqlite } from './database.js';

let dir: string;
let db: SqlDatabase;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onshi-bulk-'));
  db = openSqlite(join(dir, 'bulk.db'));
  await db.exec(
    'CREATE TABLE t (id TEXT PRIMARY KEY, k TEXT NOT NULL); CREATE INDEX t_k ON t (k); CREATE TABLE other (id TEXT);' +
      'CREATE INDEX other_id ON other (id)',
  );
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const indexes = async (ex: Pick<SqlDatabase, 'all'>): Promise<string[]> =>
  (await ex.all("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")).map((r) =>
    String(r.name),
  );
const journal = async (ex: Pick<SqlDatabase, 'get'>): Promise<unknown> =>
  (await ex.get('PRAGMA journal_mode'))?.journal_mode;

describe('SQLite bulk load (decision 0126)', () => {
  it('loads with the named tables’ secondary indexes dropped and a rollback journal, then restores both', async () => {
    const during = await db.bulkTransaction(['t'], async (ex) => {
      await ex.insertMany(
        't',
        ['id', 'k'],
        Array.from({ length: 120 }, (_, i) => [`r${String(i).padStart(3, '0')}`, `k${String(i % 7)}`]),
      );
      return { indexes: await indexes(ex), journal: await journal(ex) };
    });
    expect(during).toEqual({ indexes: ['other_id'], journal: 'truncate' });
    expect(await indexes(db)).toEqual(['other_id', 't_k']);
    expect(await journal(db)).toBe('wal');
    expect(await db.all('SELECT id FROM t INDEXED BY t_k WHERE k = ? ORDER BY id LIMIT 2', ['k3'])).toEqual([
      { id: 'r003' },
      { id: 'r010' },
    ]);
  });

  it('rolls back the rows and keeps the indexes and WAL when the load throws', async () => {
    await expect(
      db.bulkTransaction(['t'], async (ex) => {
        await ex.insertMany('t', ['id', 'k'], [['a', 'x']]);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await db.all('SELECT * FROM t')).toEqual([]);
    expect(await indexes(db)).toEqual(['other_id', 't_k']);
    expect(await journal(db)).toBe('wal');
  });

  it('still refuses duplicate primary keys while the secondary indexes are away', async () => {
    await expect(
      db.bulkTransaction(['t'], (ex) =>
        ex.insertMany(
          't',
          ['id', 'k'],
          [
            ['a', 'x'],
            ['a', 'y'],
          ],
        ),
      ),
    ).rejects.toThrow(/UNIQUE/);
    expect(await indexes(db)).toEqual(['other_id', 't_k']);
  });

  it('refuses a row of the wrong width inside a full multi-row chunk instead of shifting values', async () => {
    const rows = Array.from({ length: 60 }, (_, i): (string | null)[] => [`r${String(i)}`, 'k']);
    rows[10] = ['short'];
    await expect(db.insertMany('t', ['id', 'k'], rows)).rejects.toThrow(RangeError);
    expect(await db.all('SELECT * FROM t')).toEqual([]);
  });

  it('keeps the indexes for a load that queries what it writes, with the same rollback journal (decision 0150)', async () => {
    const during = await db.bulkTransaction(
      ['t'],
      async (ex) => {
        await ex.insertMany(
          't',
          ['id', 'k'],
          [
            ['a', 'x'],
            ['b', 'y'],
          ],
        );
        return {
          indexes: await indexes(ex),
          journal: await journal(ex),
          found: await ex.all('SELECT id FROM t INDEXED BY t_k WHERE k = ?', ['y']),
        };
      },
      { keepIndexes: true },
    );
    expect(during).toEqual({ indexes: ['other_id', 't_k'], journal: 'truncate', found: [{ id: 'b' }] });
    expect(await journal(db)).toBe('wal');
  });

  it('rolls back every statement of a load whose later insert is refused (no savepoint per insert, decision 0150)', async () => {
    await expect(
      db.bulkTransaction(
        ['t'],
        async (ex) => {
          await ex.insertMany('t', ['id', 'k'], [['a', 'x']]);
          await ex.insertMany(
            't',
            ['id', 'k'],
            Array.from({ length: 120 }, (_, i) => [i === 70 ? 'a' : `r${String(i)}`, 'k']),
          );
        },
        { keepIndexes: true },
      ),
    ).rejects.toThrow(/UNIQUE/);
    expect(await db.all('SELECT * FROM t')).toEqual([]);
  });

  it('checks foreign keys at COMMIT in a bulk load and rolls it all back on a violation (decision 0150)', async () => {
    await db.exec(
      'CREATE TABLE parent (id TEXT PRIMARY KEY); CREATE TABLE child (id TEXT PRIMARY KEY, parent_id TEXT REFERENCES parent(id))',
    );
    await db.bulkTransaction(['parent', 'child'], async (ex) => {
      // The child first: allowed until COMMIT, when its parent is there.
      await ex.insertMany('child', ['id', 'parent_id'], [['c1', 'p1']]);
      await ex.insertMany('parent', ['id'], [['p1']]);
    });
    await expect(
      db.bulkTransaction(['parent', 'child'], async (ex) => {
        await ex.insertMany('parent', ['id'], [['p2']]);
        await ex.insertMany('child', ['id', 'parent_id'], [['c2', 'nobody']]);
      }),
    ).rejects.toThrow(/FOREIGN KEY/);
    expect(await db.all('SELECT id FROM parent ORDER BY id')).toEqual([{ id: 'p1' }]);
    expect(await db.all('SELECT id FROM child ORDER BY id')).toEqual([{ id: 'c1' }]);
    expect(await journal(db)).toBe('wal');
  });
});
