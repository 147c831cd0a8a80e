import { describe, expect, it } from 'vitest';
import { renderMyInformation, type MyInformationData } from './myInformation.js';
import { decodeQrCodes, extractText, probe, squash } from './pdfProbe.js';

const data: MyInformationData = {
  nameKanji: '山田 太郎',
  nameKana: 'ヤマダ タロウ',
  birthDate: '1980-04-01',
  qualifications: [
    {
      insurerName: '全国健康保険協会 東京支部',
      insurerNumber: '01130012',
      symbol: '1234',
      number: '567',
      branch: '00',
      relationship: 'insured',
      acquiredOn: '2020-04-01',
      copayRate: 0.3,
      limitCategory: 'ウ（A03）',
    },
  ],
  registration: { registered: true, text: '登録済み: 令和8年4月1日から（マイナポータルで登録）' },
  verifyUrl: 'https://onshi.example/portal/v1/my-information/verifications?t=abc.def',
  issuedAt: new Date('2026-04-01T01:00:00Z'),
  validUntil: new Date('2026-05-02T01:00:00Z'),
};

describe('わたしの情報 PDF (documents-and-screens.md §3.2; stack-notes.md QR payloads stay ASCII)', () => {
  it('prints the 資格 (保険者, 記号・番号・枝番, 負担割合, 限度額区分) in 和暦 and carries the verification URL as its only QR code', async () => {
    const pdf = await renderMyInformation(data);
    const file = await probe(pdf);
    try {
      const text = squash(await extractText(file));
      expect(text).toContain('わたしの情報（資格情報）');
      expect(text).toContain('全国健康保険協会 東京支部');
      expect(text).toContain('1234・567・00');
      expect(text).toContain('3割');
      expect(text).toContain('ウ（A03）');
      expect(text).toContain('昭和55年4月1日');
      expect(text).toContain('この画面（PDF）のみでは受診できません');
      expect(await decodeQrCodes(file)).toEqual([data.verifyUrl]);
    } finally {
      await file.dispose();
    }
  });

  it('renders the same bytes for the same data (creation date from the data, not the clock)', async () => {
    expect((await renderMyInformation(data)).equals(await renderMyInformation(data))).toBe(true);
  });
});
