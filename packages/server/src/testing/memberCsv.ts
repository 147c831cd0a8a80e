import { MEMBER_COLUMNS } from '../commands/insurer/import/memberRow.js';

/** The member CSV's header row, in column order (docs/import-format.md). */
export const MEMBER_CSV_HEADER = MEMBER_COLUMNS.map((c) => c.header);

/**
 * One member CSV line for tests: an insured person (記号 700, 枝番 00, 髙橋 一郎, born 1985-07-07, 3割, acquired
 * 2026-04-01) with `overrides` by header name; columns not given stay empty.
 */
export function memberCsvLine(overrides: Record<string, string>): string {
  const values: Record<string, string> = {
    記号: '700',
    枝番: '00',
    本人家族: '1',
    氏名: '髙橋　一郎',
    カナ氏名: 'タカハシ　イチロウ',
    生年月日: '1985-07-07',
    性別: '1',
    郵便番号: '160-0023',
    住所: '東京都新宿区西新宿2-8-1',
    資格取得日: '2026-04-01',
    負担割合: '3',
    ...overrides,
  };
  return MEMBER_CSV_HEADER.map((h) => values[h] ?? '').join(',');
}
