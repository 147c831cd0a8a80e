import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock, insurerNumberCheckDigit } from '@onshi/core';
import type { ServerContext } from '@onshi/server';
import { openContext } from '../context.js';
import { seedPopulation } from '../seed/seedPopulation.js';
import { encodeText } from './encoding.js';
import { importMembers } from './importMembers.js';
import { MEMBER_CSV_HEADER as HEADER, memberCsvLine as member } from '@onshi/server/testing/memberCsv';

/** 協会けんぽ 東京支部 in the seeded insurer set. */
const KYOKAI_TOKYO = '01130012';
/** An insured person with a spouse and a child (a 2-year-old: 未就学 2割, rules.md §2). */
const FAMILY = [
  member({ 番号: '1', 個人番号: '000000000019' }),
  member({
    番号: '1',
    枝番: '01',
    本人家族: '2',
    本人番号: '1',
    本人枝番: '00',
    氏名: '髙橋　花子',
    カナ氏名: 'タカハシ　ハナコ',
    生年月日: '1987-03-03',
    性別: '2',
  }),
  member({
    番号: '1',
    枝番: '02',
    本人家族: '2',
    本人番号: '1',
    本人枝番: '00',
    氏名: '髙橋　①太',
    カナ氏名: 'タカハシ　イチタ',
    生年月日: '2024-01-15',
    負担割合: '2',
  }),
];

let dir: string;
let ctx: ServerContext;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onshi-import-'));
  ctx = await openContext(join(dir, 'onshi.db'), new FixedClock('2026-04-01T00:00:00Z'));
  await seedPopulation(ctx.store, { people: 30, seed: 7, asOf: '2026-04-01', institutions: 10 });
});

afterEach(async () => {
  await ctx.store.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeCsv(name: string, lines: string[], encoding: 'utf8' | 'sjis' = 'utf8'): string {
  const path = join(dir, name);
  writeFileSync(path, encodeText([HEADER.join(','), ...lines].join('\r\n') + '\r\n', encoding));
  return path;
}

describe('onshi import members (issue 4 "Bulk import")', () => {
  it('imports a UTF-8 file: persons, qualifications, the dependants hang on the insured person, My Number linked', async () => {
    const before = await ctx.store.persons.count();
    const result = await importMembers(ctx, { insurerNumber: KYOKAI_TOKYO, file: writeCsv('family.csv', FAMILY) });
    expect(result).toMatchObject({
      committed: true,
      encoding: 'utf8',
      rows: 3,
      persons: 3,
      qualifications: 3,
      rejects: 0,
    });
    expect(await ctx.store.persons.count()).toBe(before + 3);
    const [insured] = await ctx.store.qualifications.findByMemberKey({
      insurerNumber: KYOKAI_TOKYO,
      symbol: '700',
      number: '1',
      branch: '00',
    });
    const dependants = await ctx.store.qualifications.dependantsOf(insured!.id);
    expect(dependants.map((q) => q.branch).sort()).toEqual(['01', '02']);
    const child = dependants.find((q) => q.branch === '02')!;
    expect((await ctx.store.qualifications.attributesAsOf(child.id, '2026-04-01')).copayRate?.rate).toBe(0.2);
    const link = await ctx.store.individualNumbers.findByNumber('000000000019');
    expect(link?.personId).toBe(insured!.personId);
    expect(link?.individualNumberLast4).toBe('0019');
  });

  it('auto-detects Shift_JIS (CP932, with 髙 and ①) and keeps the names as written', async () => {
    const result = await importMembers(ctx, {
      insurerNumber: KYOKAI_TOKYO,
      file: writeCsv('sjis.csv', FAMILY, 'sjis'),
    });
    expect(result).toMatchObject({ committed: true, encoding: 'sjis', rows: 3 });
    const [q] = await ctx.store.qualifications.findByMemberKey({
      insurerNumber: KYOKAI_TOKYO,
      symbol: '700',
      number: '1',
      branch: '02',
    });
    expect((await ctx.store.persons.get(q!.personId))?.nameKanji).toBe('髙橋　①太');
  });

  it('accepts a dependant listed before its insured person, and one whose insured person is already on record', async () => {
    const [insured, spouse, child] = FAMILY;
    const first = await importMembers(ctx, {
      insurerNumber: KYOKAI_TOKYO,
      file: writeCsv('a.csv', [spouse!, insured!]),
    });
    expect(first.committed).toBe(true);
    const second = await importMembers(ctx, { insurerNumber: KYOKAI_TOKYO, file: writeCsv('b.csv', [child!]) });
    expect(second.committed).toBe(true);
    const [q] = await ctx.store.qualifications.findByMemberKey({
      insurerNumber: KYOKAI_TOKYO,
      symbol: '700',
      number: '1',
      branch: '00',
    });
    expect(await ctx.store.qualifications.dependantsOf(q!.id)).toHaveLength(2);
  });

  it('writes nothing when any row is bad, and reports row, column and coded reason in both languages', async () => {
    const before = await ctx.store.persons.count();
    const lines = [
      ...FAMILY,
      member({ 番号: '2', 個人番号: '123456789012' }), // row 5: check digit
      member({ 番号: '3', 枝番: '01', 本人家族: '2', 本人番号: '99', 本人枝番: '00' }), // row 6: no such insured
      member({ 番号: '1' }), // row 7: same 記号・番号・枝番 as row 2
      member({ 番号: '4', 個人番号: '000000000019' }), // row 8: same My Number as row 2
      member({ 番号: '5', 資格取得日: '2026-02-30' }), // row 9: no such date
    ];
    const rejectsPath = join(dir, 'rejects.csv');
    const result = await importMembers(ctx, {
      insurerNumber: KYOKAI_TOKYO,
      file: writeCsv('bad.csv', lines),
      rejectsPath,
    });
    expect(result).toMatchObject({ committed: false, rows: 8, persons: 0, qualifications: 0, rejects: 5, rejectsPath });
    expect(await ctx.store.persons.count()).toBe(before);
    expect(await ctx.store.individualNumbers.findByNumber('000000000019')).toBeNull();
    const report = readFileSync(rejectsPath, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(report[0]).toBe('行,列,コード,メッセージ,message');
    expect(report.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
      '5,個人番号,INDIVIDUAL_NUMBER_CHECK_DIGIT',
      '7,番号,IMPORT_DUPLICATE_MEMBER',
      '8,個人番号,IMPORT_DUPLICATE_INDIVIDUAL_NUMBER',
      '9,資格取得日,IMPORT_DATE',
      '6,本人番号,IMPORT_DEPENDANT_WITHOUT_INSURED',
    ]);
    expect(report[1]).toContain('個人番号の検査用数字が一致しません');
    expect(report[1]).toContain('check digit');
  });

  it('refuses a member number already held on record, and a My Number linked to someone with another birth date', async () => {
    expect(
      (await importMembers(ctx, { insurerNumber: KYOKAI_TOKYO, file: writeCsv('a.csv', [FAMILY[0]!]) })).committed,
    ).toBe(true);
    const again = await importMembers(ctx, {
      insurerNumber: KYOKAI_TOKYO,
      file: writeCsv('b.csv', [
        member({ 番号: '1', 氏名: '別人' }),
        member({ 番号: '9', 生年月日: '1990-01-01', 個人番号: '000000000019' }),
      ]),
      rejectsPath: join(dir, 'r.csv'),
    });
    expect(again.committed).toBe(false);
    const codes = readFileSync(join(dir, 'r.csv'), 'utf8')
      .split('\r\n')
      .slice(1, 3)
      .map((l) => l.split(',')[2]);
    expect(codes).toEqual(['IMPORT_DUPLICATE_MEMBER', 'IMPORT_INDIVIDUAL_NUMBER_OTHER_PERSON']);
  });

  it('refuses a header without required columns before reading any row', async () => {
    const path = join(dir, 'h.csv');
    writeFileSync(path, '番号,氏名\r\n1,山田\r\n');
    const result = await importMembers(ctx, {
      insurerNumber: KYOKAI_TOKYO,
      file: path,
      rejectsPath: join(dir, 'h.rejects.csv'),
    });
    expect(result.committed).toBe(false);
    expect(readFileSync(join(dir, 'h.rejects.csv'), 'utf8')).toContain('1,本人家族,IMPORT_HEADER_MISSING');
  });

  it('refuses to start for an insurer number with a bad check digit or not on record', async () => {
    await expect(
      importMembers(ctx, { insurerNumber: '01130013', file: writeCsv('x.csv', FAMILY) }),
    ).rejects.toMatchObject({
      code: 'INSURER_NUMBER_CHECK_DIGIT',
    });
    const unknown = `0613999${String(insurerNumberCheckDigit('0613999'))}`;
    expect(await ctx.store.insurers.get(unknown)).toBeNull();
    await expect(importMembers(ctx, { insurerNumber: unknown, file: writeCsv('y.csv', FAMILY) })).rejects.toMatchObject(
      {
        code: 'IMPORT_UNKNOWN_INSURER',
      },
    );
  });
});
