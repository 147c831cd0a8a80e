import type { EligibilityCertificateData, QualificationNoticeData } from './types.js';

/**
 * Fictional sample documents, shaped like the seed 003 sample (協会 太郎) and the 国保/後期 cases of
 * documents-and-screens.md §1. Used by the tests and handy for demo screens; no real person or number.
 */

/** The 協会けんぽ お知らせ of seed 003, with the My Number's last four digits 6825. */
export function sampleQualificationNotice(): QualificationNoticeData {
  return {
    scheme: 'kyokai',
    insurer: {
      number: '01130012',
      name: '全国健康保険協会 東京支部',
      address: '東京都中野区中野4-10-2',
      phone: '03-6853-6111',
    },
    member: { symbol: '12345678', number: '1234567', branch: '00' },
    nameKanji: '協会 太郎',
    nameKana: 'キョウカイ タロウ',
    birthDate: '1989-10-01',
    acquiredOn: '2020-01-01',
    copayRate: 0.3,
    asOf: '2024-10-15',
    issuedOn: '2024-10-25',
    inquiryNumber: '00-00000000-00000000-00',
    individualNumberLast4: '6825',
    portalUrl: 'https://myna.go.jp/',
    mailing: { postalCode: '123-4567', address: '東京都中野区中野1-2-3', addresseeName: '協会 太郎' },
  };
}

/** A 国保 資格確認書 for a person under 70: the rate box reads 「法定負担割合のとおり」. */
export function sampleNationalCertificate(): EligibilityCertificateData {
  return {
    scheme: 'kokuho',
    insurer: { number: '138016', name: '練馬区', address: '東京都練馬区豊玉北6-12-1', phone: '03-5984-4554' },
    member: { symbol: '練１２', number: '３４５６７', branch: '01' },
    nameKanji: '練馬 花子',
    nameKana: 'ネリマ ハナコ',
    sex: 'female',
    birthDate: '1960-03-15',
    issuedOn: '2025-07-15',
    validTo: '2026-07-31',
    acquiredOn: '2018-04-01',
    color: '#f2a9bd',
  };
}

/** A 後期 資格確認書 with a rate change, a 限度区分 and a 特定疾病 printed (documents-and-screens.md §1.2). */
export function sampleLateElderlyCertificate(): EligibilityCertificateData {
  return {
    scheme: 'lateElderly',
    insurer: {
      number: '39131008',
      name: '東京都後期高齢者医療広域連合',
      address: '東京都千代田区飯田橋3-5-1',
      phone: '0570-086-519',
    },
    member: { number: '12345678' },
    nameKanji: '高齢 一郎',
    sex: 'male',
    birthDate: '1948-05-20',
    issuedOn: '2025-07-15',
    validTo: '2026-07-31',
    acquiredOn: '2023-05-20',
    copay: { rate: 0.2, validFrom: '2025-08-01', previous: { rate: 0.3, validTo: '2025-07-31' } },
    limitCategory: { label: '区Ⅱ', validFrom: '2025-08-01' },
    specificDisease: { label: '人工透析', selfPayLimit: 10_000 },
    color: '#f4a460',
  };
}
