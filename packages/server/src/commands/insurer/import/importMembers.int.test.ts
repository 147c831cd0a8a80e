import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '@onshi/core';
import type { ServerContext } from '../../../context.js';
import { createStore } from '../../../store/index.js';
import type { Store } from '../../../store/types.js';
import { startPostgres, type TestPostgres } from '../../../testing/postgres.js';
import { individualNumberFrom } from '../../../testing/insurerFactories.js';
import { MEMBER_CSV_HEADER as HEADER, memberCsvLine as member } from '../../../testing/memberCsv.js';
import { importMembers } from './importMembers.js';

/** 協会けんぽ 東京支部. */
const KYOKAI_TOKYO = '01130012';
function dependantOf(number: string, branch: string, extra: Record<string, string> = {}): string {
  return member({ 番号: number, 枝番: branch, 本人家族: '2', 本人番号: number, 本人枝番: '00', ...extra });
}

let dir: string;
let ctx: ServerContext;
let cluster: TestPostgres;
let databases = 0;

beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => {
  await cluster.stop();
});

async function openStore(kind: 'sqlite' | 'postgres'): Promise<Store> {
  const individualNumberKey = randomBytes(32);
  if (kind === 'sqlite') {
    return createStore({ kind: 'sqlite', path: ':memory:' }, { individualNumberKey });
  }
  databases += 1;
  const url = await cluster.createDatabase(`import_${String(process.pid)}_${String(databases)}`);
  return createStore({ kind: 'postgres', url }, { individualNumberKey, poolSize: 2 });
}

async function open(kind: 'sqlite' | 'postgres'): Promise<void> {
  const store = await openStore(kind);
  await store.insurers.upsert({
    insurerNumber: KYOKAI_TOKYO,
    name: '全国健康保険協会 東京支部',
    scheme: 'kyokai',
    prefecture: '13',
    branch: '東京',
  });
  ctx = { store, clock: new FixedClock('2026-04-01T00:00:00Z'), secrets: { proofKey: randomBytes(32) } };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onshi-import-chunks-'));
});

afterEach(async () => {
  await ctx.store.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeCsv(lines: string[]): string {
  const path = join(dir, 'members.csv');
  writeFileSync(path, [HEADER.join(','), ...lines].join('\r\n') + '\r\n');
  return path;
}

function reportCodes(path: string): string[] {
  return readFileSync(path, 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
    .slice(1)
    .map((l) => l.split(',').slice(0, 3).join(','));
}

// Both reading paths (decision 0151) — in the calling thread, and on a worker thread as large files are read — and
// both stores (the import is a bulk load: rollback journal and no savepoints on SQLite, a transaction on PostgreSQL).
describe.each([
  { kind: 'sqlite' as const, worker: false },
  { kind: 'sqlite' as const, worker: true },
  { kind: 'postgres' as const, worker: true },
])(
  'member import in chunks (issue 4 "Bulk import"; decisions 0135, 0136, 0151) on $kind, rows read on a worker thread: $worker',
  ({ kind, worker }) => {
    beforeEach(async () => {
      await open(kind);
    });

    it('attaches a dependant to an insured person listed chunks later, and counts persons and qualifications', async () => {
      const lines = [
        dependantOf('1', '01', { 生年月日: '1987-03-03', 性別: '2', 氏名: '髙橋　花子', カナ氏名: 'タカハシ　ハナコ' }),
        member({ 番号: '2', 個人番号: individualNumberFrom('00000000003') }),
        member({ 番号: '3' }),
        member({ 番号: '4' }),
        member({ 番号: '1', 個人番号: individualNumberFrom('00000000001') }),
        dependantOf('2', '01', { 生年月日: '2024-01-15', 負担割合: '2' }),
      ];
      const result = await importMembers(ctx, {
        worker,
        insurerNumber: KYOKAI_TOKYO,
        file: writeCsv(lines),
        batchSize: 2,
      });
      expect(result).toMatchObject({ committed: true, rows: 6, persons: 6, qualifications: 6, rejects: 0 });
      for (const number of ['1', '2']) {
        const [insured] = await ctx.store.qualifications.findByMemberKey({
          insurerNumber: KYOKAI_TOKYO,
          symbol: '700',
          number,
          branch: '00',
        });
        const dependants = await ctx.store.qualifications.dependantsOf(insured?.id ?? '');
        expect(dependants.map((q) => q.branch)).toEqual(['01']);
      }
      const link = await ctx.store.individualNumbers.findByNumber(individualNumberFrom('00000000001'));
      expect(link?.individualNumberLast4).toBe(individualNumberFrom('00000000001').slice(8));
    });

    it('finds duplicates and repeated My Numbers across chunks, reports them in file order, and writes nothing', async () => {
      const mine = individualNumberFrom('00000000005');
      const lines = [
        member({ 番号: '1', 個人番号: mine }), // row 2
        member({ 番号: '2' }), // row 3
        member({ 番号: '1' }), // row 4: same 記号・番号・枝番 as row 2, one chunk later
        member({ 番号: '3', 個人番号: mine }), // row 5: same My Number as row 2, one chunk later
        member({ 番号: '4', 個人番号: individualNumberFrom('00000000006') }), // row 6
        member({ 番号: '5', 個人番号: individualNumberFrom('00000000006') }), // row 7: same chunk as row 6
        dependantOf('9', '01'), // row 8: no insured person 9 anywhere
        member({ 番号: '6', 生年月日: '1985-02-30' }), // row 9: no such date
      ];
      const rejectsPath = join(dir, 'rejects.csv');
      const result = await importMembers(ctx, {
        worker,
        insurerNumber: KYOKAI_TOKYO,
        file: writeCsv(lines),
        rejectsPath,
        batchSize: 2,
      });
      expect(result).toMatchObject({ committed: false, rows: 8, persons: 0, qualifications: 0, rejects: 5 });
      expect(reportCodes(rejectsPath)).toEqual([
        '4,番号,IMPORT_DUPLICATE_MEMBER',
        '5,個人番号,IMPORT_DUPLICATE_INDIVIDUAL_NUMBER',
        '7,個人番号,IMPORT_DUPLICATE_INDIVIDUAL_NUMBER',
        '9,生年月日,IMPORT_DATE',
        '8,本人番号,IMPORT_DEPENDANT_WITHOUT_INSURED',
      ]);
      expect(await ctx.store.persons.count()).toBe(0);
      expect(await ctx.store.individualNumbers.findByNumber(mine)).toBeNull();
    });

    it('takes a person on record by My Number (job change) once their earlier qualification has ended', async () => {
      const number = individualNumberFrom('00000000007');
      expect(
        (
          await importMembers(ctx, {
            worker,
            insurerNumber: KYOKAI_TOKYO,
            file: writeCsv([member({ 番号: '1', 個人番号: number })]),
          })
        ).committed,
      ).toBe(true);
      const [first] = await ctx.store.qualifications.findByMemberKey({
        insurerNumber: KYOKAI_TOKYO,
        symbol: '700',
        number: '1',
        branch: '00',
      });
      const rejectsPath = join(dir, 'overlap.csv');
      const overlapping = await importMembers(ctx, {
        worker,
        insurerNumber: KYOKAI_TOKYO,
        file: writeCsv([member({ 番号: '2', 個人番号: number, 資格取得日: '2026-05-01' })]),
        rejectsPath,
      });
      expect(overlapping.committed).toBe(false);
      expect(reportCodes(rejectsPath)).toEqual(['2,資格取得日,IMPORT_OVERLAPPING_QUALIFICATION']);

      await ctx.store.qualifications.setLoss(first?.id ?? '', '2026-05-01', '99');
      const moved = await importMembers(ctx, {
        worker,
        insurerNumber: KYOKAI_TOKYO,
        file: writeCsv([member({ 番号: '2', 個人番号: number, 資格取得日: '2026-05-01' })]),
      });
      expect(moved).toMatchObject({ committed: true, persons: 0, qualifications: 1 });
      const held = await ctx.store.qualifications.findByPerson(first?.personId ?? '');
      expect(held.map((q) => q.number)).toEqual(['2', '1']);
      const attributes = await ctx.store.qualifications.attributesAsOf(held[0]?.id ?? '', '2026-05-01');
      expect(attributes.copayRate).toMatchObject({ personId: first?.personId, rate: 0.3 });
    });
  },
);
