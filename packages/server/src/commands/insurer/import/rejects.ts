/**
 * Why a member CSV row is refused: a stable code with a Japanese and an English message (CONTRIBUTING: errors
 * from outside input), and the reject report that lists them (docs/import-format.md §4). Messages never repeat a
 * field's value, so a report never leaks a My Number or a name.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Bilingual, Verdict } from '@onshi/core';

/** The import's own reject codes; rules from @onshi/core keep their verdict codes (e.g. INDIVIDUAL_NUMBER_CHECK_DIGIT). */
export const IMPORT_REJECTS = {
  IMPORT_ENCODING: {
    ja: '文字コードが正しくありません（UTF-8 または Shift_JIS で保存してください）。',
    en: 'The text is not valid in the file encoding (save it as UTF-8 or Shift_JIS).',
  },
  IMPORT_CSV_SYNTAX: {
    ja: 'CSVとして読めません（引用符の対応などを確認してください）。',
    en: 'The line is not valid CSV (check the quotes).',
  },
  IMPORT_EMPTY_FILE: { ja: 'ファイルにヘッダー行がありません。', en: 'The file has no header row.' },
  IMPORT_HEADER_MISSING: {
    ja: '必須の列がヘッダーにありません。',
    en: 'A required column is missing from the header.',
  },
  IMPORT_HEADER_UNKNOWN: { ja: 'ヘッダーに不明な列名があります。', en: 'The header names an unknown column.' },
  IMPORT_HEADER_DUPLICATE: { ja: 'ヘッダーに同じ列が2回あります。', en: 'The header names the same column twice.' },
  IMPORT_COLUMN_COUNT: {
    ja: '列の数がヘッダーと一致しません。',
    en: 'The row does not have as many fields as the header.',
  },
  IMPORT_REQUIRED: { ja: '必須項目が空です。', en: 'A required field is empty.' },
  IMPORT_TOO_LONG: { ja: '文字数が上限を超えています。', en: 'The field is longer than allowed.' },
  IMPORT_DATE: {
    ja: '日付として読めません（例: 2026-04-01、20260401、令和8年4月1日）。',
    en: 'Not a date (e.g. 2026-04-01, 20260401, 令和8年4月1日).',
  },
  IMPORT_DATE_RANGE: {
    ja: '日付が取り扱える範囲（1900年〜2100年）の外です。',
    en: 'The date is outside the range handled (1900–2100).',
  },
  IMPORT_DATES_OUT_OF_ORDER: {
    ja: '日付の前後関係が正しくありません（生年月日 ≤ 資格取得日 ≤ 適用開始日）。',
    en: 'Dates are out of order (birth date ≤ acquired date ≤ effective date).',
  },
  IMPORT_RELATIONSHIP: {
    ja: '本人家族は 1（本人）または 2（家族）です。',
    en: 'Relationship is 1 (insured) or 2 (dependant).',
  },
  IMPORT_SEX: {
    ja: '性別は 1（男）、2（女）または 3（未設定）です。',
    en: 'Sex is 1 (male), 2 (female) or 3 (unset).',
  },
  IMPORT_KANA: {
    ja: 'カナ氏名は全角カタカナで入力してください。',
    en: 'The kana name must be written in katakana.',
  },
  IMPORT_POSTAL_CODE: {
    ja: '郵便番号は7桁の数字です（例: 100-0001）。',
    en: 'A postal code has 7 digits (e.g. 100-0001).',
  },
  IMPORT_PREFECTURE: {
    ja: '都道府県コード（01〜47）が正しくないか、住所から都道府県が分かりません。',
    en: 'The prefecture code (01–47) is wrong, or the address does not start with a prefecture.',
  },
  IMPORT_COPAY_RATE: {
    ja: '負担割合は 1、2、3（割）または 0.1、0.2、0.3 です。',
    en: 'The co-payment rate is 1, 2 or 3 (tenths) or 0.1, 0.2, 0.3.',
  },
  IMPORT_LIMIT_CATEGORY: {
    ja: '限度額適用区分のコード（A01〜A06、B01〜B10）ではありません。',
    en: 'Not a limit category code (A01–A06, B01–B10).',
  },
  IMPORT_LIMIT_CATEGORY_AGE: {
    ja: '限度額適用区分が適用開始日の年齢に合いません（70歳未満はA、70歳以上はB、一般Ⅰ・Ⅱは後期高齢者のみ）。',
    en: 'The limit category does not fit the age on its effective date (A under 70, B from 70, B09/B10 in late-elderly care only).',
  },
  IMPORT_CARD_CLASSIFICATION: {
    ja: '被保険者証区分のコード（OQSCD010）ではありません。',
    en: 'Not a card classification code (OQSCD010).',
  },
  IMPORT_LATE_ELDERLY_NUMBER: {
    ja: '後期高齢者医療の被保険者番号は8桁の数字で、記号・枝番はありません。',
    en: 'A late-elderly insured number has 8 digits and no symbol or branch.',
  },
  IMPORT_INSURED_FIELDS_ON_INSURED: {
    ja: '本人の行には本人番号・本人枝番を入れません。',
    en: 'An insured row leaves the insured number and branch empty.',
  },
  IMPORT_DEPENDANT_NOT_IN_SCHEME: {
    ja: '国民健康保険・後期高齢者医療には被扶養者（家族）がいません。',
    en: 'National health insurance and late-elderly care have no dependants.',
  },
  IMPORT_DEPENDANT_WITHOUT_INSURED: {
    ja: '家族の行が指す本人（被保険者）が、このファイルにも登録済みの資格にも見つかりません（資格取得日に資格のある本人が必要です）。',
    en: 'The insured person this dependant names is neither in this file nor on record, qualified on the acquired date.',
  },
  IMPORT_DUPLICATE_MEMBER: {
    ja: '同じ記号・番号・枝番の加入者がこのファイルまたは登録済みの資格にあります。',
    en: 'A member with the same symbol, number and branch is in this file or on record.',
  },
  IMPORT_DUPLICATE_INDIVIDUAL_NUMBER: {
    ja: '同じ個人番号がこのファイルに2回あります。',
    en: 'The same individual number appears twice in this file.',
  },
  IMPORT_INDIVIDUAL_NUMBER_OTHER_PERSON: {
    ja: 'この個人番号は生年月日の異なる別の方に紐付いています。',
    en: 'This individual number is linked to a person with another birth date.',
  },
  IMPORT_OVERLAPPING_QUALIFICATION: {
    ja: 'この方には資格取得日以降も続く別の資格があります（先に資格喪失を届け出てください）。',
    en: 'This person holds another qualification that runs past the acquired date (report its loss first).',
  },
} as const satisfies Record<string, Bilingual>;

/** An import reject code (own codes above, or a core verdict code). */
export type ImportRejectCode = keyof typeof IMPORT_REJECTS;

/** One refusal: the row (header = 1, as a spreadsheet counts), the column header name, the code and the message. */
export interface Reject {
  row: number;
  column: string;
  code: string;
  message: Bilingual;
}

/** A reject with one of the import's own codes. */
export function reject(row: number, column: string, code: ImportRejectCode): Reject {
  return { row, column, code, message: IMPORT_REJECTS[code] };
}

/** A reject carrying a refusing core verdict (its code and messages as the rule wrote them). */
export function rejectFromVerdict(row: number, column: string, v: Verdict): Reject {
  return { row, column, code: v.code, message: v.message };
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The header of the reject report (docs/import-format.md §4). */
export const REJECT_REPORT_HEADER = ['行', '列', 'コード', 'メッセージ', 'message'] as const;

/** Streams rejects to a UTF-8 CSV (with BOM so spreadsheet software reads the Japanese). Opened on first reject. */
export class RejectReport {
  private out: WriteStream | null = null;
  private count = 0;

  constructor(readonly path: string) {}

  /** How many rejects were written. */
  get size(): number {
    return this.count;
  }

  /** Appends one reject, waiting when the file stream is full. */
  async add(r: Reject): Promise<void> {
    if (this.out === null) {
      this.out = createWriteStream(this.path, { encoding: 'utf8' });
      this.out.write('\uFEFF' + REJECT_REPORT_HEADER.join(',') + '\r\n');
    }
    this.count += 1;
    const line = [String(r.row), r.column, r.code, r.message.ja, r.message.en].map(csvField).join(',') + '\r\n';
    if (!this.out.write(line)) {
      await once(this.out, 'drain');
    }
  }

  /** Flushes and closes the file (nothing happens when no reject was written). */
  async close(): Promise<void> {
    if (this.out === null) {
      return;
    }
    const out = this.out;
    this.out = null;
    await new Promise<void>((resolve, reject) => {
      out.end((error?: Error | null) => {
        if (error) {
          reject(error);
        } else {
          resolve();
        }
      });
    });
  }
}
