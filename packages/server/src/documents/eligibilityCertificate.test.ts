import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CERTIFICATE_COLORS,
  NOT_APPLIED,
  STATUTORY_RATE_TEXT,
  copayText,
  renderEligibilityCertificate,
} from './eligibilityCertificate.js';
import { MM, tint } from './pdf.js';
import { colorAt, extractText, listFonts, pdfInfo, probe, squash, type ProbedPdf } from './pdfProbe.js';
import { sampleLateElderlyCertificate, sampleNationalCertificate } from './samples.js';
import type { EligibilityCertificateData } from './types.js';
import { DocumentDataError } from './validate.js';

const opened: ProbedPdf[] = [];

async function render(data: EligibilityCertificateData): Promise<{ file: ProbedPdf; text: string }> {
  const file = await probe(await renderEligibilityCertificate(data));
  opened.push(file);
  return { file, text: squash(await extractText(file)) };
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((file) => file.dispose()));
});

/** An 協会けんぽ certificate for a dependant under 70. */
function employeeCertificate(): EligibilityCertificateData {
  return {
    scheme: 'kyokai',
    insurer: { number: '01130012', name: '全国健康保険協会 東京支部' },
    member: { symbol: '12345678', number: '1234567', branch: '02' },
    relationship: 'dependant',
    nameKanji: '協会 花子',
    sex: 'female',
    birthDate: '1990-02-14',
    issuedOn: '2025-12-02',
    validTo: '2030-11-30',
    acquiredOn: '2021-04-01',
  };
}

describe('資格確認書 (documents-and-screens.md §1)', () => {
  it('prints the front fields: title, 氏名, 性別, 生年月日, 記号・番号・枝番, insurer, 交付年月日, 有効期限, 資格取得年月日', async () => {
    const { text } = await render(sampleNationalCertificate());
    expect(text).toContain('資格確認書');
    expect(text).toContain('練馬 花子');
    expect(text).toContain('ネリマ ハナコ');
    expect(text).toContain('女');
    expect(text).toContain('昭和35年3月15日');
    expect(text).toContain('練１２');
    expect(text).toContain('３４５６７');
    expect(text).toContain('枝番');
    expect(text).toContain('138016');
    expect(text).toContain('練馬区');
    expect(text).toContain('交付年月日');
    expect(text).toContain('令和7年7月15日');
    expect(text).toContain('有効期限 令和8年7月31日');
    expect(text).toContain('平成30年4月1日');
  });

  it('reads 「法定負担割合のとおり」 in the rate box of a 国保 certificate under 70 (§1.2 [P5])', async () => {
    const { text } = await render(sampleNationalCertificate());
    expect(text).toContain('一部負担金の割合');
    expect(text).toContain(STATUTORY_RATE_TEXT);
  });

  it('prints "*" in each optional box not applied for: 限度区分, 長期入院, 特定疾病 (§1.2 [P5][P9])', async () => {
    const data = sampleNationalCertificate();
    expect(data.limitCategory).toBeUndefined();
    const { text } = await render(data);
    const stars = text.split(NOT_APPLIED).length - 1;
    expect(stars).toBe(3);
  });

  it('prints the back: 住所 box, notes and the 臓器提供意思表示欄 (§1.1 [P5][P21])', async () => {
    const { text } = await render({ ...sampleNationalCertificate(), address: '東京都練馬区豊玉北1-2-3' });
    expect(text).toContain('住所');
    expect(text).toContain('東京都練馬区豊玉北1-2-3');
    expect(text).toContain('注意事項');
    expect(text).toContain('臓器を提供します');
    expect(text).toContain('本人署名（自筆）');
  });

  it('prints the 後期 被保険者番号, the rate with its 発効期日 and the previous rate (§1.2 [P8])', async () => {
    const { text } = await render(sampleLateElderlyCertificate());
    expect(text).toContain('被保険者番号');
    expect(text).toContain('12345678');
    expect(text).not.toContain('記号');
    expect(text).toContain('2割（令和7年7月31日までは3割）（発効期日 令和7年8月1日）');
    expect(text).toContain('区Ⅱ（令和7年8月1日）');
    expect(text).toContain('人工透析 10,000円');
    expect(text.split(NOT_APPLIED).length - 1).toBe(1);
  });

  it('prints no rate for an employee-scheme member under 70, and 被扶養者 for a dependant (decision 0051)', async () => {
    const data = employeeCertificate();
    expect(copayText(data)).toBeUndefined();
    const { text } = await render(data);
    expect(text).not.toContain(STATUTORY_RATE_TEXT);
    expect(text).not.toMatch(/[123]割/u);
    expect(text).toContain('被扶養者');
    expect(text).toContain('令和12年11月30日');
  });

  it('prints the 70–74 rate of a 高齢受給者 on the employee certificate (it replaces the 高齢受給者証, §1.2)', async () => {
    const data: EligibilityCertificateData = {
      ...employeeCertificate(),
      relationship: 'insured',
      birthDate: '1955-04-01',
      issuedOn: '2025-04-01',
      validTo: '2026-07-31',
      copay: { rate: 0.2, validFrom: '2025-04-01' },
    };
    const { text } = await render(data);
    expect(text).toContain('2割（発効期日 令和7年4月1日）');
    expect(text).toContain('被保険者');
  });

  it('prints the card in the colour the insurer set, and a pale scheme colour when none is set (§1.1)', async () => {
    const cardX = (595.28 - 148 * MM) / 2;
    const bandX = cardX + 148 * MM * 0.5;
    const bandY = 24 * MM + 4 * MM + 2;
    const faceX = cardX + 2 * MM;
    const faceY = 24 * MM + 50 * MM;

    const set = await render({ ...sampleNationalCertificate(), color: '#f08c3c' });
    expect(await colorAt(set.file, bandX, bandY)).toBe('#f08c3c');
    expect(await colorAt(set.file, faceX, faceY)).toBe(tint('#f08c3c', 0.28));

    const { color: _unused, ...withoutColor } = sampleLateElderlyCertificate();
    const fallback = await render(withoutColor);
    expect(await colorAt(fallback.file, bandX, bandY)).toBe(DEFAULT_CERTIFICATE_COLORS.lateElderly);
  });

  it('embeds a subset Japanese font, is one A4 page and never prints a 12-digit number', async () => {
    const { file, text } = await render(sampleLateElderlyCertificate());
    const fonts = await listFonts(file);
    expect(fonts.every((font) => font.embedded && font.subset && font.name.includes('NotoSansJP'))).toBe(true);
    const info = await pdfInfo(file);
    expect(info.get('Title')).toBe('資格確認書');
    expect(info.get('Pages')).toBe('1');
    expect(text).not.toMatch(/[0-9０-９]{12}/u);
  });

  it('refuses a certificate valid for more than 5 years (rules.md §5)', async () => {
    const data = { ...employeeCertificate(), validTo: '2030-12-02' };
    await expect(renderEligibilityCertificate(data)).rejects.toBeInstanceOf(DocumentDataError);
  });
});
