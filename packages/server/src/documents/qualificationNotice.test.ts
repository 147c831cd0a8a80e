import { afterEach, describe, expect, it } from 'vitest';
import { DocumentDataError } from './validate.js';
import { decodeQrCodes, extractText, listFonts, pdfInfo, probe, squash, type ProbedPdf } from './pdfProbe.js';
import { renderQualificationNotice } from './qualificationNotice.js';
import { sampleQualificationNotice } from './samples.js';
import type { QualificationNoticeData } from './types.js';

const opened: ProbedPdf[] = [];

async function render(data: QualificationNoticeData): Promise<{ file: ProbedPdf; text: string }> {
  const file = await probe(await renderQualificationNotice(data));
  opened.push(file);
  return { file, text: squash(await extractText(file)) };
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((file) => file.dispose()));
});

describe('資格情報のお知らせ (seed 003; documents-and-screens.md §2)', () => {
  it('prints the header of the seed 003 sample: title, insurer, issue date in 和暦 and お問い合わせ番号', async () => {
    const { text } = await render(sampleQualificationNotice());
    expect(text).toContain('資格情報のお知らせ');
    expect(text).toContain('全国健康保険協会 東京支部');
    expect(text).toContain('令和6年10月25日');
    expect(text).toContain('お問い合わせ番号');
    expect(text).toContain('00-00000000-00000000-00');
    expect(text).toContain('〒123-4567');
  });

  it('prints 記号・番号・枝番, 氏名, フリガナ, 生年月日, 負担割合 as of a date, 資格取得年月日 and the insurer', async () => {
    const { text } = await render(sampleQualificationNotice());
    expect(text).toContain('記号 12345678 番号 1234567 枝番 00');
    expect(text).toContain('協会 太郎');
    expect(text).toContain('キョウカイ タロウ');
    expect(text).toContain('平成元年10月1日');
    expect(text).toContain('3割（令和6年10月15日時点）');
    expect(text).toContain('令和2年1月1日');
    expect(text).toContain('01130012');
    expect(text).toContain('保険者名称');
  });

  it('says on the sheet and on the cut-out card that the お知らせ alone is not enough (rules.md §5, test case 33)', async () => {
    const { file, text } = await render(sampleQualificationNotice());
    // Paragraphs wrap, so read them with the line breaks taken out.
    const flat = text.replace(/\n/gu, '');
    const count = flat.split('このお知らせのみでは受診できません').length - 1;
    // Intro, the card part and the note beside it.
    expect(count).toBeGreaterThanOrEqual(3);
    expect(text).toContain('左を切り取ってご利用いただくこともできます');
    expect(text).toContain('切り取り線');
    // The note to the right of the card part, read on its own so the card's lines do not interleave.
    const note = await extractText(file, 1, { x: 300, y: 560, width: 295, height: 282 });
    expect(note.replace(/\n/gu, '')).toContain(
      'マイナ保険証（マイナンバーカード）が読み取れないときに、マイナンバーカードとともに受付で提示してください',
    );
  });

  it('shows the My Number as its last four digits only and never prints a 12-digit number (CONTRIBUTING privacy)', async () => {
    const { text } = await render(sampleQualificationNotice());
    expect(text).toContain('**** **** 6825');
    expect(text).toContain('12桁のうち下4桁のみ表示');
    expect(text).not.toMatch(/[0-9０-９]{12}/u);
  });

  it('carries a QR code that decodes to the ASCII portal URL and nothing personal (stack-notes.md, QR codes)', async () => {
    const { file } = await render(sampleQualificationNotice());
    const payloads = await decodeQrCodes(file);
    expect(payloads).toEqual(['https://myna.go.jp/']);
  });

  it('embeds its Japanese font as a subset, with no unembedded standard font (stack-notes.md, PDF in Japanese)', async () => {
    const { file } = await render(sampleQualificationNotice());
    const fonts = await listFonts(file);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) {
      expect(font.name).toMatch(/^[A-Z]{6}\+NotoSansJP/u);
      expect(font.embedded).toBe(true);
      expect(font.subset).toBe(true);
    }
  });

  it('is one A4 page whose metadata carries the title and the given creation date, so output is deterministic', async () => {
    const data = { ...sampleQualificationNotice(), createdAt: new Date('2024-10-25T09:30:00+09:00') };
    const first = await renderQualificationNotice(data);
    const second = await renderQualificationNotice(data);
    expect(first.equals(second)).toBe(true);
    const file = await probe(first);
    opened.push(file);
    const info = await pdfInfo(file);
    expect(info.get('Title')).toBe('資格情報のお知らせ');
    expect(info.get('Pages')).toBe('1');
    expect(info.get('Page size')).toMatch(/^595\.\d+ x 841\.\d+ pts \(A4\)/u);
    expect(info.get('CreationDate')).toBe('2024-10-25T00:30:00Z');
  });

  it('defaults the creation date to midnight in Japan on the issue date, not to the clock', async () => {
    const { file } = await render(sampleQualificationNotice());
    const info = await pdfInfo(file);
    expect(info.get('CreationDate')).toBe('2024-10-24T15:00:00Z');
  });

  it('prints the 負担割合 and 有効期限 for a 70–74 member, on the sheet and on the card part (documents-and-screens.md §2)', async () => {
    const data: QualificationNoticeData = {
      ...sampleQualificationNotice(),
      birthDate: '1953-09-10',
      copayRate: 0.2,
      validTo: '2026-07-31',
    };
    const { text } = await render(data);
    expect(text).toContain('有効期限');
    expect(text).toContain('令和8年7月31日');
    expect(text).toContain('2割（令和6年10月15日時点）');
    expect(text).toContain('2割（有効期限 令和8年7月31日）');
  });

  it('has no 有効期限 for a member under 70', async () => {
    const { text } = await render(sampleQualificationNotice());
    expect(text).not.toContain('有効期限');
  });

  it('addresses a dependant’s notice to the insured person and names the dependant (seed 003 mailing block)', async () => {
    const data: QualificationNoticeData = {
      ...sampleQualificationNotice(),
      nameKanji: '協会 花子',
      nameKana: 'キョウカイ ハナコ',
      birthDate: '2015-06-01',
      copayRate: 0.3,
      member: { symbol: '12345678', number: '1234567', branch: '02' },
    };
    const { text } = await render(data);
    expect(text).toContain('協会 太郎 様');
    expect(text).toContain('（対象者氏名）協会 花子 様');
    expect(text).toContain('枝番 02');
  });

  it('prints the 後期 被保険者番号 instead of 記号・番号・枝番 (rules.md §1.1)', async () => {
    const data: QualificationNoticeData = {
      ...sampleQualificationNotice(),
      scheme: 'lateElderly',
      insurer: { number: '39131008', name: '東京都後期高齢者医療広域連合' },
      member: { number: '12345678' },
      birthDate: '1945-04-10',
      copayRate: 0.1,
      asOf: '2025-08-01',
      issuedOn: '2025-08-01',
      validTo: '2026-07-31',
    };
    const { text } = await render(data);
    expect(text).toContain('被保険者番号 12345678');
    expect(text).not.toContain('記号');
    expect(text).toContain('1割（有効期限 令和8年7月31日）');
  });

  it('refuses bad data before drawing anything', async () => {
    const data = { ...sampleQualificationNotice(), individualNumberLast4: '123' };
    await expect(renderQualificationNotice(data)).rejects.toBeInstanceOf(DocumentDataError);
  });
});
